// Pan and zoom for the server-drawn mind map. Without this script the SVG is
// still the whole map, scrollable, with every node a link.
"use strict";
document.querySelectorAll("[data-pan-zoom]").forEach((frame) => {
  const svg = frame.querySelector("svg");
  if (!svg) return;
  const initial = svg.viewBox.baseVal;
  const home = { x: initial.x, y: initial.y, width: initial.width, height: initial.height };
  let view = { ...home };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.width} ${view.height}`);

  const zoom = (factor, cx = view.x + view.width / 2, cy = view.y + view.height / 2) => {
    const width = Math.min(Math.max(view.width * factor, home.width / 20), home.width * 4);
    const scale = width / view.width;
    view = {
      x: cx - (cx - view.x) * scale,
      y: cy - (cy - view.y) * scale,
      width,
      height: view.height * scale,
    };
    apply();
  };
  const toSvgPoint = (event) => {
    const box = svg.getBoundingClientRect();
    return {
      x: view.x + ((event.clientX - box.left) / box.width) * view.width,
      y: view.y + ((event.clientY - box.top) / box.height) * view.height,
    };
  };

  frame.classList.add("js-ready");
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  const controls = frame.querySelector(".mindmap-controls");
  if (controls) controls.hidden = false;

  frame.addEventListener("wheel", (event) => {
    event.preventDefault();
    const point = toSvgPoint(event);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, point.x, point.y);
  }, { passive: false });

  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.target.closest("a")) return; // let clicks on nodes follow their links
    drag = { x: event.clientX, y: event.clientY, view: { ...view } };
    frame.classList.add("dragging");
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const box = svg.getBoundingClientRect();
    view.x = drag.view.x - ((event.clientX - drag.x) / box.width) * view.width;
    view.y = drag.view.y - ((event.clientY - drag.y) / box.height) * view.height;
    apply();
  });
  const stop = () => { drag = null; frame.classList.remove("dragging"); };
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);

  frame.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      const action = button.dataset.zoom;
      if (action === "in") zoom(1 / 1.3);
      else if (action === "out") zoom(1.3);
      else { view = { ...home }; apply(); }
    });
  });
});
