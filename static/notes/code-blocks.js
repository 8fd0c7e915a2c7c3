// A note's code blocks get a Copy button, and its Python blocks a Run button that runs
// them in this browser with Pyodide (static/notes/run-worker.js): nothing runs on the
// server. Without JavaScript the blocks are plain text, to select and copy by hand.
//
// The words come from this script's data- attributes (templates/notes/note_detail.html,
// in the page's language), as do the worker's address, Pyodide's folder and the time
// limit of a run in seconds (data-run-timeout, read at each run).
"use strict";
(() => {
  const script = document.currentScript || document.querySelector("script[data-copy]");
  const body = document.querySelector(".note-body");
  if (!script || !body) return;
  const words = script.dataset;
  const PYTHON = new Set(["language-python", "language-py", "language-python3", "language-py3", "language-pycon"]);
  const PROMPT = /^\s*(>>>|\.\.\.)(?: |$)/;
  const OUTPUT_LIMIT = 100000;

  const element = (tag, className, text) => {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  };
  const fill = (template, value) => template.replace("%s", value);

  // One polite live region for the whole page announces "Copied".
  const announcer = element("p", "code-announcer");
  announcer.setAttribute("aria-live", "polite");
  body.after(announcer);
  const announce = (text) => {
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  };

  // The text of a block: line numbers left out; a >>> session split into its
  // statements (prompts removed) and its recorded output lines.
  const read = (pre) => {
    const code = (pre.querySelector("code") || pre).cloneNode(true);
    code.querySelectorAll(".linenos, .lineno, .linenodiv").forEach((number) => number.remove());
    const text = code.textContent.replace(/\n$/, "");
    const lines = text.split("\n");
    const firstLine = lines.find((line) => line.trim()) || "";
    if (!PROMPT.test(firstLine) || !firstLine.includes(">>>")) {
      return { session: false, statements: [text], copy: text, output: null };
    }
    const statements = [];
    const output = [];
    for (const line of lines) {
      const prompt = line.match(PROMPT);
      if (prompt && prompt[1] === ">>>") statements.push(line.replace(PROMPT, ""));
      else if (prompt && statements.length) statements[statements.length - 1] += "\n" + line.replace(PROMPT, "");
      else if (statements.length) output.push(line);
    }
    return { session: true, statements, copy: statements.join("\n"), output: output.join("\n") };
  };

  // The output a plain-text note records after a block ("运行结果如下：" then the output).
  const recordedOutput = (container) => {
    let next = container.nextElementSibling;
    for (let step = 0; next && step < 2; step += 1, next = next.nextElementSibling) {
      if (next.matches("pre.output")) return next.textContent;
      if (next.matches(".highlight, pre")) return null;
    }
    return null;
  };

  const normalise = (text) => text.split("\n").map((line) => line.trimEnd()).join("\n").trimEnd();

  // --- copy ---------------------------------------------------------------------

  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const buffer = element("textarea", "code-copy-buffer");
    buffer.value = text;
    document.body.append(buffer);
    buffer.select();
    const copied = document.execCommand("copy");
    buffer.remove();
    if (!copied) throw new Error("copy refused");
  };

  const copyButton = (block) => {
    const button = element("button", "code-button code-copy", words.copy);
    button.type = "button";
    let timer = null;
    button.addEventListener("click", async () => {
      let message = words.copied;
      try {
        await copyText(read(block.pre).copy);
      } catch (error) {
        message = words.copyFailed;
      }
      button.textContent = message;
      announce(message);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => { button.textContent = words.copy; }, 2000);
    });
    return button;
  };

  // --- run ----------------------------------------------------------------------

  let worker = null;
  let running = null;
  let runs = 0;
  const runButtons = [];

  // aria-disabled rather than disabled: the pressed button keeps the keyboard's focus.
  // A press during a run does nothing (run() returns at once).
  const setRunning = (isRunning) => {
    runButtons.forEach((button) => button.setAttribute("aria-disabled", String(isRunning)));
  };

  const finish = (run, sentence, outcome) => {
    window.clearTimeout(run.timer);
    running = null;
    setRunning(false);
    run.status.textContent = sentence || "";
    run.status.hidden = !sentence;
    if (!run.text.textContent && !sentence) run.text.textContent = words.noOutput;
    if (outcome && outcome.aboveFailed && outcome.aboveFailed.length) {
      run.area.append(element("p", "code-output-note", fill(words.aboveFailed, outcome.aboveFailed.join(", "))));
    }
    if (run.expected !== null && !sentence) {
      const matches = normalise(run.printed) === normalise(run.expected);
      const verdict = element("p", `code-output-match ${matches ? "matches" : "differs"}`,
        matches ? words.outputMatches : words.outputDiffers);
      run.area.append(verdict);
    }
  };

  const stopWorker = () => {
    if (worker) worker.terminate();
    worker = null;
  };

  const onMessage = (event) => {
    const message = event.data;
    const run = running;
    if (!run || message.id !== run.id) return;
    if (message.type === "started") {
      run.status.textContent = words.running;
      const seconds = Number(script.dataset.runTimeout) || 10;
      run.timer = window.setTimeout(() => {
        stopWorker();
        finish(run, fill(words.timedOut, String(seconds)));
      }, seconds * 1000);
    } else if (message.type === "output") {
      run.printed += message.text;
      if (run.printed.length > OUTPUT_LIMIT) {
        if (!run.cut) run.text.append(element("span", "stderr", `\n${words.outputCut}\n`));
        run.cut = true;
        return;
      }
      run.text.append(message.stream === "stderr" ? element("span", "stderr", message.text) : message.text);
    } else if (message.type === "done") {
      let sentence = "";
      if (message.refused === "input") sentence = words.inputRefused;
      if (message.refused === "needs") sentence = fill(words.needs, message.what);
      finish(run, sentence, message);
    } else if (message.type === "failed") {
      console.error(`Python could not be loaded: ${message.message}`);
      stopWorker();
      finish(run, words.loadFailed);
    }
  };

  const ensureWorker = () => {
    if (worker) return worker;
    worker = new Worker(words.worker, { type: "module" });
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", () => {
      const run = running;
      stopWorker();
      if (run) finish(run, words.loadFailed);
    });
    return worker;
  };

  const blockRequest = (block) => {
    const text = read(block.pre);
    return { name: `<block ${block.number}>`, statements: text.statements, session: text.session };
  };

  const run = (block, withAbove) => {
    if (running) return;
    block.area.replaceChildren();
    const status = element("p", "code-output-status", worker ? words.running : words.loading);
    const text = element("code");
    const pre = element("pre", "code-output-text");
    pre.append(text);
    block.area.append(element("p", "code-output-label", words.outputLabel), pre, status);
    const expected = block.session ? read(block.pre).output || null : block.recorded;
    runs += 1;
    running = { id: runs, area: block.area, status, text, printed: "", expected, timer: null, cut: false };
    setRunning(true);
    const above = withAbove ? pythonBlocks.filter((other) => other.number < block.number && other.runnable) : [];
    ensureWorker().postMessage({
      type: "run",
      id: runs,
      indexURL: words.pyodide,
      above: above.map(blockRequest),
      block: blockRequest(block),
    });
  };

  const runTools = (block, index) => {
    const button = element("button", "code-button code-run", words.run);
    button.type = "button";
    runButtons.push(button);
    const tools = [button];
    let above = null;
    if (index > 0) {
      const label = element("label", "code-run-above");
      above = element("input");
      above.type = "checkbox";
      label.append(above, " ", words.runAbove);
      tools.push(label);
    }
    button.addEventListener("click", () => run(block, Boolean(above && above.checked)));
    return tools;
  };

  // --- the blocks -----------------------------------------------------------------

  const plainTextNote = body.dataset.noteFormat === "text";
  const blocks = [];
  body.querySelectorAll("pre").forEach((pre) => {
    if (pre.matches(".output") || pre.parentElement.closest("pre")) return;
    const container = pre.parentElement.matches(".highlight") ? pre.parentElement : pre;
    const code = pre.querySelector("code");
    const language = code && [...code.classList].find((name) => name.startsWith("language-"));
    const python = PYTHON.has(language) || (plainTextNote && container.matches(".highlight"));
    const tools = element("div", "code-tools");
    tools.lang = words.lang;
    tools.append(copyButton({ pre }));
    container.before(tools);
    blocks.push({
      pre, container, tools, python,
      runnable: python && !container.matches(".no-run") && !pre.matches(".no-run"),
      session: read(pre).session,
      // Read before the output area goes between the block and what follows it.
      recorded: recordedOutput(container),
    });
  });
  const pythonBlocks = blocks.filter((block) => block.python);
  pythonBlocks.forEach((block, index) => { block.number = index + 1; });

  const addRunButtons = () => {
    let index = 0;
    pythonBlocks.forEach((block) => {
      if (!block.runnable) return;
      block.area = element("div", "code-output");
      block.area.lang = words.lang;
      block.area.setAttribute("aria-live", "polite");
      block.container.after(block.area);
      block.tools.append(...runTools(block, index));
      index += 1;
    });
  };

  // Run buttons only where Pyodide is installed (scripts/static_deps.sh); it is
  // loaded when a reader first presses Run.
  if (pythonBlocks.some((block) => block.runnable) && words.pyodide && window.Worker) {
    fetch(`${words.pyodide}pyodide-lock.json`, { method: "HEAD" })
      .then((response) => { if (response.ok) addRunButtons(); })
      .catch(() => {});
  }
})();
