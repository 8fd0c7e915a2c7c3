// Pan, zoom and "find a topic" for the server-drawn mind map. Without this script
// the SVG is still the whole map, scrollable, every node a link, folding by links,
// and the find box goes straight to the topic's page.
"use strict";
const READABLE = 12 / 14; // the smallest scale at which 14 px labels stay >= 12 px

document.querySelectorAll("[data-pan-zoom]").forEach((frame) => {
  const svg = frame.querySelector("svg");
  if (!svg) return;
  const initial = svg.viewBox.baseVal;
  const whole = { x: initial.x, y: initial.y, width: initial.width, height: initial.height };
  let view = { ...whole };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.width} ${view.height}`);

  frame.classList.add("js-ready");
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  const controls = frame.querySelector(".mindmap-controls");
  if (controls) controls.hidden = false;

  // The whole tree when it fits at a readable size; on a narrow screen, a readable
  // window on the root instead of the whole tree shrunk to specks.
  const start = () => {
    const box = frame.getBoundingClientRect();
    if (!box.width || !box.height) return { ...whole };
    const fit = Math.min(box.width / whole.width, box.height / whole.height);
    if (fit >= READABLE || box.width >= 700) {
      // Keep the frame's proportions so that the map is not squeezed.
      const width = box.width / fit, height = box.height / fit;
      return { x: whole.x - (width - whole.width) / 2, y: whole.y - (height - whole.height) / 2, width, height };
    }
    const root = svg.querySelector(".node.depth-0");
    const rootY = root ? parseFloat(root.dataset.y) : whole.height / 2;
    return { x: whole.x, y: rootY - box.height / 2, width: box.width, height: box.height };
  };
  const home = start();
  view = { ...home };
  apply();

  const zoom = (factor, cx = view.x + view.width / 2, cy = view.y + view.height / 2) => {
    const width = Math.min(Math.max(view.width * factor, whole.width / 20), whole.width * 4);
    const scale = width / view.width;
    view = { x: cx - (cx - view.x) * scale, y: cy - (cy - view.y) * scale, width, height: view.height * scale };
    apply();
  };
  const toSvgPoint = (x, y) => {
    const box = svg.getBoundingClientRect();
    return { x: view.x + ((x - box.left) / box.width) * view.width, y: view.y + ((y - box.top) / box.height) * view.height };
  };
  const panBy = (dx, dy) => {
    const box = svg.getBoundingClientRect();
    view.x -= (dx / box.width) * view.width;
    view.y -= (dy / box.height) * view.height;
    apply();
  };
  const centreOn = (x, y) => {
    view.x = x - view.width / 2;
    view.y = y - view.height / 2;
    apply();
  };

  // Keyboard: a node reached by Tab outside the part of the map shown is brought into
  // view at once (no animated panning, whatever the reader's motion settings).
  const inView = (x, y) => x >= view.x && x <= view.x + view.width && y >= view.y && y <= view.y + view.height;
  svg.addEventListener("focusin", (event) => {
    const node = event.target.closest(".node");
    if (!node) return;
    const x = parseFloat(node.dataset.x), y = parseFloat(node.dataset.y);
    if (!inView(x, y)) centreOn(x, y);
    frame.scrollTop = 0;
    frame.scrollLeft = 0;
  });

  frame.addEventListener("wheel", (event) => {
    event.preventDefault();
    const point = toSvgPoint(event.clientX, event.clientY);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, point.x, point.y);
  }, { passive: false });

  // A mouse drags with one button; touch needs two fingers, so that one finger is
  // left to scroll the page (the frame's touch-action is pan-y).
  const pointers = new Map();
  let last = null;
  const midpoint = () => {
    const points = [...pointers.values()];
    const x = points.reduce((sum, p) => sum + p.x, 0) / points.length;
    const y = points.reduce((sum, p) => sum + p.y, 0) / points.length;
    const spread = points.length > 1 ? Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y) : 0;
    return { x, y, spread };
  };
  svg.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.target.closest("a")) return; // let clicks follow links
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY, type: event.pointerType });
    const moving = event.pointerType === "mouse" || pointers.size >= 2;
    if (moving) {
      last = midpoint();
      frame.classList.add("dragging");
      svg.setPointerCapture(event.pointerId);
    }
  });
  svg.addEventListener("pointermove", (event) => {
    if (!pointers.has(event.pointerId)) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY, type: event.pointerType });
    if (!last || (event.pointerType !== "mouse" && pointers.size < 2)) return;
    const now = midpoint();
    panBy(now.x - last.x, now.y - last.y);
    if (last.spread && now.spread) {
      const point = toSvgPoint(now.x, now.y);
      zoom(last.spread / now.spread, point.x, point.y);
    }
    last = now;
  });
  const stop = (event) => {
    pointers.delete(event.pointerId);
    last = pointers.size >= 2 ? midpoint() : null;
    if (!last) frame.classList.remove("dragging");
  };
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);

  frame.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      const action = button.dataset.zoom;
      const step = 80;
      if (action === "in") zoom(1 / 1.3);
      else if (action === "out") zoom(1.3);
      else if (action === "left") panBy(step, 0);
      else if (action === "right") panBy(-step, 0);
      else if (action === "up") panBy(0, step);
      else if (action === "down") panBy(0, -step);
      else { view = { ...home }; apply(); }
    });
  });

  const form = document.querySelector("[data-topic-find]");
  if (form) {
    const input = form.querySelector("input");
    const status = form.querySelector("output");
    form.addEventListener("submit", (event) => {
      const wanted = input.value.trim().toLocaleLowerCase();
      if (!wanted) { event.preventDefault(); return; }
      const nodes = [...svg.querySelectorAll(".node[data-names]")];
      const names = (node) => node.dataset.names.toLocaleLowerCase().split("|");
      const found = nodes.find((node) => names(node).includes(wanted))
        || nodes.find((node) => names(node).some((name) => name.includes(wanted)));
      if (!found) return; // not on the map as drawn (folded?): the topic page or search answers
      event.preventDefault();
      nodes.forEach((node) => node.classList.remove("node-found"));
      found.classList.add("node-found");
      centreOn(parseFloat(found.dataset.x), parseFloat(found.dataset.y));
      const link = found.querySelector(".node-link");
      if (link) link.focus({ preventScroll: true });
      if (status) status.value = found.dataset.names.split("|")[0];
      frame.scrollIntoView({ block: "nearest" });
    });
  }
});

document.querySelectorAll("[data-open-outline]").forEach((link) => {
  link.addEventListener("click", () => {
    const outline = document.querySelector(link.getAttribute("href"));
    if (outline) outline.open = true;
  });
});
