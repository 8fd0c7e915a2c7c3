// Runs a note's Python blocks with Pyodide, in this worker, so that a long loop never
// freezes the page: static/notes/code-blocks.js ends the worker when a run takes too
// long and starts a new one for the next run. Nothing runs on the server.
//
// Messages in:  {type: "run", id, indexURL, above: [block], block}
//   where a block is {name, statements: [source], session: bool}.
// Messages out: {type: "started", id}, {type: "output", id, stream, text},
//   {type: "done", id, refused, what, aboveFailed}, {type: "failed", id, message}.

// Python's side: input() and what a browser lacks raise exceptions of their own, which
// the page turns into one sentence each; every other error prints its traceback.
const RUNNER = String.raw`
import builtins, contextlib, io, json, os, sys, threading, traceback


class NotInBrowser(BaseException):
    """Raised for what a browser cannot do; not an Exception, so 'except Exception'
    in the note's code does not hide it."""


class InputRefused(BaseException):
    pass


def _refuser(what):
    def refuse(*args, **kwargs):
        raise NotInBrowser(what)
    return refuse


def _refuse_input(prompt=""):
    raise InputRefused()


builtins.input = _refuse_input
os.fork = _refuser("os.fork()")
threading.Thread.start = _refuser("threading.Thread.start()")
# Modules that are missing or cannot work here, imported by the note's code.
_LACKING_MODULES = {"_multiprocessing", "_posixsubprocess", "_socket", "select", "fcntl"}


def _patch_if_used(source):
    """Refuse, with a sentence, what the code would use and the browser lacks; looked
    at only when its module's name appears in the code, so other runs import nothing."""
    if "multiprocessing" in source:
        with contextlib.suppress(ImportError):
            import multiprocessing
            multiprocessing.Process.start = _refuser("multiprocessing")
            multiprocessing.Pool = _refuser("multiprocessing")
    if "ProcessPoolExecutor" in source:
        with contextlib.suppress(ImportError):
            import concurrent.futures
            concurrent.futures.ProcessPoolExecutor.__init__ = _refuser("ProcessPoolExecutor")
    if "subprocess" in source or "os.system" in source:
        with contextlib.suppress(ImportError):
            import subprocess
            subprocess.Popen.__init__ = _refuser("subprocess")
        os.system = _refuser("os.system()")
    if "socket" in source:
        with contextlib.suppress(ImportError):
            import socket
            socket.socket.__init__ = _refuser("socket")
            socket.create_connection = _refuser("socket")


def _print_error(error):
    # The first frame is this runner's exec(): the reader's code starts below it.
    tb = error.__traceback__.tb_next if error.__traceback__ else None
    traceback.print_exception(type(error), error, tb)


def _execute(block, namespace):
    statements = block["statements"]
    _patch_if_used("\n".join(statements))
    try:
        if block["session"]:
            # As the interactive interpreter runs them: an expression's value is
            # printed, and an error does not stop the statements after it.
            for statement in statements:
                try:
                    exec(compile(statement + "\n", "<stdin>", "single"), namespace)
                except (NotInBrowser, InputRefused, SystemExit):
                    raise
                except BaseException as error:
                    _print_error(error)
        else:
            exec(compile("\n".join(statements) + "\n", block["name"], "exec"), namespace)
    except NotInBrowser as refusal:
        return {"refused": "needs", "what": refusal.args[0]}
    except InputRefused:
        return {"refused": "input"}
    except SystemExit as stop:
        if stop.code not in (None, 0):
            print(stop.code, file=sys.stderr)
        return {}
    except ModuleNotFoundError as error:
        if error.name in _LACKING_MODULES:
            return {"refused": "needs", "what": error.name}
        _print_error(error)
        return {"error": True}
    except BaseException as error:
        _print_error(error)
        return {"error": True}
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return {}


def notes_run(request_json):
    request = json.loads(request_json)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    above_failed = []
    for block in request["above"]:
        # The blocks above run for their names: their output is not shown.
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            outcome = _execute(block, namespace)
        if outcome:
            above_failed.append(block["name"])
    outcome = _execute(request["block"], namespace)
    outcome["aboveFailed"] = above_failed
    return json.dumps(outcome)
`;

let python = null;
let current = null;

const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
const writer = (stream) => ({
  write: (bytes) => {
    const text = decoder[stream].decode(bytes, { stream: true });
    if (text) self.postMessage({ type: "output", id: current, stream, text });
    return bytes.length;
  },
});

const load = async (indexURL) => {
  const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
  const pyodide = await loadPyodide({ indexURL, stdin: () => null });
  pyodide.setStdout(writer("stdout"));
  pyodide.setStderr(writer("stderr"));
  pyodide.runPython(RUNNER);
  return pyodide.globals.get("notes_run");
};

// Refused by the site's Content-Security-Policy, Pyodide would wait forever.
self.addEventListener("securitypolicyviolation", (event) => {
  python = null;
  self.postMessage({ type: "failed", id: current, message: `${event.violatedDirective} refused ${event.blockedURI}` });
});

self.addEventListener("message", async (event) => {
  const message = event.data;
  if (message.type !== "run") return;
  current = message.id;
  try {
    python = python || load(message.indexURL);
    const run = await python;
    self.postMessage({ type: "started", id: message.id });
    const outcome = JSON.parse(run(JSON.stringify({ above: message.above, block: message.block })));
    self.postMessage({ type: "done", id: message.id, ...outcome });
  } catch (error) {
    python = null;
    self.postMessage({ type: "failed", id: message.id, message: String(error && error.message || error) });
  }
});
