/* Explorers: interactive figures of gradlab.plotting.Explorer, drawn as SVG.
 *
 * Each <figure class="gl-explorer"> holds its precomputed frames as inline JSON
 * (<script type="application/json" class="gl-explorer-data">), a range input per slider, and
 * a PNG of the starting frame. This script replaces the PNG by a drawing of the frame the
 * sliders select. It fetches nothing, so the page works from file:// as well as served; with
 * JavaScript off, or where this script is not loaded (a plain notebook), the PNG stays.
 * Colours come from explorer.css (CSS variables of pydata-sphinx-theme, light and dark). */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3",
    4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };
  var MARGIN = { top: 8, right: 12, bottom: 40, left: 58 };

  function svg(name, attrs, parent, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // value -> pixel on [a, b], or NaN where the value cannot be drawn
  function scale(lim, log, a, b) {
    var f = log ? Math.log10 : function (v) { return v; };
    var lo = f(lim[0]), hi = f(lim[1]);
    return function (v) {
      if (v === null || (log && !(v > 0))) return NaN;
      return a + ((f(v) - lo) / (hi - lo)) * (b - a);
    };
  }

  function power(k) {
    if (k === 0) return "1";
    if (k === 1) return "10";
    return "10" + String(k).split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
  }

  // [value, label] pairs: whole decades on a log axis, 1-2-5 steps on a linear one
  function ticks(lim, log, most) {
    var out = [], k, v;
    if (log) {
      var lo = Math.ceil(Math.log10(lim[0]) - 1e-9), hi = Math.floor(Math.log10(lim[1]) + 1e-9);
      var every = Math.max(1, Math.ceil((hi - lo + 1) / most));
      for (k = Math.ceil(lo / every) * every; k <= hi; k += every) {
        out.push([Math.pow(10, k), power(k)]);
      }
      return out;
    }
    // the finest of the steps 1, 2, 5 x 10^k that gives at most `most` + 1 ticks
    var magnitude = Math.pow(10, Math.floor(Math.log10((lim[1] - lim[0]) / most)) - 1);
    var step = magnitude;
    for (k = 0; k < 60; k++) {
      step = [1, 2, 5][k % 3] * magnitude * Math.pow(10, Math.floor(k / 3));
      if (Math.floor(lim[1] / step + 1e-9) - Math.ceil(lim[0] / step - 1e-9) + 1 <= most + 1) break;
    }
    var decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    for (k = Math.ceil(lim[0] / step - 1e-9); k * step <= lim[1] + 1e-9 * step; k++) {
      v = k * step;
      out.push([v, v.toFixed(decimals).replace("-", "\u2212")]);
    }
    return out;
  }

  // An SVG path through the points, broken where a point cannot be drawn.
  function pathData(xs, ys, sx, sy, far) {
    var d = [], pen = false;
    for (var i = 0; i < xs.length; i++) {
      var px = sx(xs[i]), py = sy(ys[i]);
      if (!isFinite(px) || !isFinite(py)) { pen = false; continue; }
      px = Math.max(-far, Math.min(far, px));
      py = Math.max(-far, Math.min(far, py));
      d.push((pen ? "L" : "M") + px.toFixed(1) + " " + py.toFixed(1));
      pen = true;
    }
    return d.join("");
  }

  function drawSeries(group, series, colour, sx, sy, far) {
    var cls = "gl-series " + colour + " gl-" + series.style;
    var g = svg("g", { "class": cls }, group);
    if (series.style !== "points") {
      var d = pathData(series.x, series.y, sx, sy, far);
      if (d) svg("path", { d: d }, g);
    }
    if (series.style === "points" || series.style === "linepoints") {
      for (var i = 0; i < series.x.length; i++) {
        var px = sx(series.x[i]), py = sy(series.y[i]);
        if (isFinite(px) && isFinite(py) && Math.abs(px) < far && Math.abs(py) < far) {
          svg("circle", { cx: px.toFixed(1), cy: py.toFixed(1), r: 2.5 }, g);
        }
      }
    }
  }

  function Explorer(figure) {
    this.figure = figure;
    this.data = JSON.parse(figure.querySelector("script.gl-explorer-data").textContent);
    this.plot = figure.querySelector(".gl-explorer-plot");
    this.title = figure.querySelector(".gl-explorer-title");
    this.legend = figure.querySelector(".gl-explorer-legend");
    this.inputs = Array.prototype.slice.call(figure.querySelectorAll("input[type=range]"));
    this.width = 0;
    var self = this;
    this.inputs.forEach(function (input) {
      input.addEventListener("input", function () { self.update(input); self.draw(); });
    });
    figure.querySelector(".gl-explorer-live").hidden = false;
    figure.querySelector(".gl-explorer-fallback").hidden = true;
    figure.classList.add("gl-explorer-ready");
    this.inputs.forEach(function (input) { self.update(input); });
    this.draw();
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (Math.round(self.plot.clientWidth) !== self.width) self.draw();
      }).observe(this.plot);
    }
  }

  // The shown value of a slider: its <output> and the input's aria-valuetext.
  Explorer.prototype.update = function (input) {
    var slider = this.data.sliders[this.inputs.indexOf(input)];
    var shown = slider.values[Number(input.value)];
    input.setAttribute("aria-valuetext", shown);
    var output = input.parentNode.querySelector("output");
    if (output) output.textContent = shown;
  };

  Explorer.prototype.frame = function () {
    var flat = 0, sliders = this.data.sliders;
    this.inputs.forEach(function (input, i) {
      flat = flat * sliders[i].values.length + Number(input.value);
    });
    return this.data.frames[flat];
  };

  Explorer.prototype.draw = function () {
    var data = this.data, frame = this.frame();
    var width = Math.max(240, Math.round(this.plot.clientWidth || 600));
    var height = Math.round(Math.min(380, Math.max(220, width * 0.55)));
    this.width = width;
    var left = MARGIN.left, right = width - MARGIN.right;
    var top = MARGIN.top, bottom = height - MARGIN.bottom;
    var sx = scale(data.xlim, data.xlog, left, right), sy = scale(data.ylim, data.ylog, bottom, top);
    var far = 4 * (width + height);
    var clip = this.figure.id + "-clip";

    var root = svg("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
      "aria-hidden": "true", focusable: "false" });
    var defs = svg("defs", {}, root);
    svg("rect", { x: left, y: top, width: right - left, height: bottom - top },
      svg("clipPath", { id: clip }, defs));

    var grid = svg("g", { "class": "gl-grid" }, root);
    var labels = svg("g", { "class": "gl-tick" }, root);
    ticks(data.xlim, data.xlog, Math.max(3, Math.floor((right - left) / 70))).forEach(function (t) {
      var x = sx(t[0]).toFixed(1);
      svg("line", { x1: x, x2: x, y1: top, y2: bottom }, grid);
      svg("text", { x: x, y: bottom + 16, "text-anchor": "middle" }, labels, t[1]);
    });
    ticks(data.ylim, data.ylog, Math.max(3, Math.floor((bottom - top) / 40))).forEach(function (t) {
      var y = sy(t[0]).toFixed(1);
      svg("line", { x1: left, x2: right, y1: y, y2: y }, grid);
      svg("text", { x: left - 6, y: y, dy: "0.32em", "text-anchor": "end" }, labels, t[1]);
    });
    svg("rect", { "class": "gl-frame", x: left, y: top, width: right - left, height: bottom - top },
      root);
    svg("text", { "class": "gl-label", x: (left + right) / 2, y: height - 6,
      "text-anchor": "middle" }, root, data.xlabel);
    svg("text", { "class": "gl-label", x: 0, y: 0, "text-anchor": "middle",
      transform: "translate(14 " + (top + bottom) / 2 + ") rotate(-90)" }, root, data.ylabel);

    var plot = svg("g", { "clip-path": "url(#" + clip + ")" }, root);
    var legend = [], colour = 0;
    data.background.forEach(function (s) { drawSeries(plot, s, "gl-muted", sx, sy, far); });
    frame.series.forEach(function (s) {
      var cls = s.muted ? "gl-muted" : "gl-c" + (colour++ % 6);
      drawSeries(plot, s, cls, sx, sy, far);
      if (s.label) legend.push([cls, s.style, s.label]);
    });

    this.plot.replaceChildren(root);
    this.title.textContent = frame.title;
    this.plot.setAttribute("aria-label", frame.title + " (" + data.ylabel + " against " +
      data.xlabel + ")");
    this.legend.replaceChildren.apply(this.legend, legend.map(function (entry) {
      var item = document.createElement("li");
      var key = svg("svg", { width: 24, height: 10, "aria-hidden": "true",
        "class": "gl-series " + entry[0] + " gl-" + entry[1] }, item);
      if (entry[1] !== "points") svg("path", { d: "M0 5H24" }, key);
      if (entry[1] === "points" || entry[1] === "linepoints") {
        svg("circle", { cx: 12, cy: 5, r: 2.5 }, key);
      }
      item.appendChild(document.createTextNode(entry[2]));
      return item;
    }));
    this.legend.hidden = legend.length === 0;
  };

  function start() {
    var figures = document.querySelectorAll("figure.gl-explorer:not(.gl-explorer-ready)");
    Array.prototype.forEach.call(figures, function (figure) {
      try {
        new Explorer(figure);
      } catch (error) {
        // Keep the PNG, and say why in the console (the site tests look for errors there).
        figure.querySelector(".gl-explorer-live").hidden = true;
        figure.querySelector(".gl-explorer-fallback").hidden = false;
        console.error("gradlab explorer " + figure.id + ": " + error);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
