/*
 * flamegraph.js - the interactive part of every SVG that `flamekit svg`
 * writes; the build embeds this file verbatim (it must never contain the
 * CDATA terminator, which the build checks).
 *
 * The controls are flamegraph.pl's, with its element ids and classes so
 * habits and tools keep working: click a frame to zoom (ancestors greyed
 * and stretched, everything else hidden, labels re-fitted), "Reset Zoom",
 * a regex search ("Search", Ctrl-F or F3) that paints matches
 * rgb(230,0,230) and prints "Matched: x%", "ic" or Ctrl-I to ignore case,
 * the details line on hover, and ?x=&y=&s= in the URL to restore a zoom
 * and a search on load. Added: Esc clears zoom and search; while zoomed,
 * "Matched:" gives the share of the view and of the whole graph.
 *
 * The graph's settings come from data-* attributes of the <svg> element
 * (this file is the same in every graph). All text is set through DOM text
 * nodes, never parsed as markup.
 */
"use strict";

var svg, framesEl, details, searchbtn, unzoombtn, matchedtxt, ignorecaseBtn;
var cfg = { nametype: "Function:", countname: "samples", fontsize: 12, fontwidth: 0.59, xpad: 10, inverted: false };
var frames = [];        /* one record per <g> in #frames */
var byGroup = new Map(); /* <g> -> record */
var zoomed = null;      /* the record zoomed into, or null */
var searchTerm = null;  /* the active search, or null */
var ignorecase = false;
var started = false;
var SEARCH_COLOR = "rgb(230,0,230)";
var FUDGE = 0.0001;

function init(evt) {
	if (started) return;
	started = true;
	svg = document.documentElement;
	var num = function (name, dflt) {
		var v = parseFloat(svg.getAttribute(name));
		return isFinite(v) ? v : dflt;
	};
	if (svg.hasAttribute("data-nametype")) cfg.nametype = svg.getAttribute("data-nametype");
	if (svg.hasAttribute("data-countname")) cfg.countname = svg.getAttribute("data-countname");
	cfg.fontsize = num("data-fontsize", cfg.fontsize);
	cfg.fontwidth = num("data-fontwidth", cfg.fontwidth);
	cfg.xpad = num("data-xpad", cfg.xpad);
	cfg.inverted = svg.getAttribute("data-inverted") === "1";

	details = document.getElementById("details").firstChild;
	searchbtn = document.getElementById("search");
	unzoombtn = document.getElementById("unzoom");
	matchedtxt = document.getElementById("matched");
	ignorecaseBtn = document.getElementById("ignorecase");
	framesEl = document.getElementById("frames");
	collectFrames();

	window.addEventListener("click", onClick, false);
	window.addEventListener("mouseover", onOver, false);
	window.addEventListener("mouseout", onOut, false);
	window.addEventListener("keydown", onKey, false);

	var params = getParams();
	if (params.x && params.y) {
		var rect = null;
		for (var i = 0; i < frames.length && !rect; i++)
			if (frames[i].xAttr === params.x && frames[i].yAttr === params.y) rect = frames[i];
		if (rect) zoom(rect);
	}
	if (params.s) search(params.s);
}

/* ---- frames ---------------------------------------------------------- */

function escapeRegExp(s) {
	return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function collectFrames() {
	/* "NAME (1,234 samples, 5.67%)", optionally "...; +1.00%)" */
	var titleRe = new RegExp("^([\\s\\S]*) \\(([-0-9,]+) " + escapeRegExp(cfg.countname) + ", [^()]*\\)$");
	var kids = framesEl.children;
	for (var i = 0; i < kids.length; i++) {
		var g = kids[i];
		var rect = g.querySelector("rect"), text = g.querySelector("text"), title = g.querySelector("title");
		if (!rect || !text) continue;
		var t = title ? title.textContent : "";
		var m = titleRe.exec(t);
		var f = {
			g: g, rect: rect, text: text, title: t,
			name: m ? m[1] : t,
			samples: m ? parseFloat(m[2].replace(/,/g, "")) : parseFloat(rect.getAttribute("width")),
			xAttr: rect.getAttribute("x"), yAttr: rect.getAttribute("y"),
			wAttr: rect.getAttribute("width"), fill: rect.getAttribute("fill"),
			x: parseFloat(rect.getAttribute("x")), y: parseFloat(rect.getAttribute("y")),
			w: parseFloat(rect.getAttribute("width")), chars: null, matched: false
		};
		/* Labels count characters, not UTF-16 units, as the renderer does. */
		f.chars = /[^\x00-\x7f]/.test(f.name) ? Array.from(f.name) : null;
		frames.push(f);
		byGroup.set(g, f);
	}
}

function findGroup(node) {
	while (node && node.parentNode) {
		if (node.parentNode === framesEl) return node;
		node = node.parentNode;
	}
	return null;
}

/* The label that fits `width` pixels, cut with ".." (the renderer's rule). */
function fitText(f, width) {
	var chars = Math.floor(width / (cfg.fontsize * cfg.fontwidth));
	if (chars < 3) return "";
	var len = f.chars ? f.chars.length : f.name.length;
	if (len <= chars) return f.name;
	return (f.chars ? f.chars.slice(0, chars - 2).join("") : f.name.substring(0, chars - 2)) + "..";
}

function place(f, x, width) {
	f.rect.setAttribute("x", x);
	f.rect.setAttribute("width", width);
	f.text.setAttribute("x", (parseFloat(x) + 3).toFixed(2));
	f.text.textContent = fitText(f, parseFloat(width));
}

/* ---- zoom ------------------------------------------------------------ */

function fullWidth() {
	return svg.width.baseVal.value - 2 * cfg.xpad;
}

function isAncestorLevel(f, of) {
	return cfg.inverted ? f.y < of.y : f.y > of.y;
}

function zoom(target) {
	var xmin = target.x, xmax = target.x + target.w;
	var full = fullWidth();
	var ratio = full / target.w;
	unzoombtn.classList.remove("hide");
	for (var i = 0; i < frames.length; i++) {
		var f = frames[i], cl = f.g.classList;
		if (isAncestorLevel(f, target)) {
			if (f.x <= xmin + FUDGE && f.x + f.w + FUDGE >= xmax) {
				cl.add("parent");
				cl.remove("hide");
				place(f, cfg.xpad, full);
			} else {
				cl.add("hide");
			}
		} else if (f.x < xmin - FUDGE || f.x + FUDGE >= xmax) {
			cl.add("hide");
		} else {
			cl.remove("hide");
			cl.remove("parent");
			place(f, cfg.xpad + (f.x - xmin) * ratio, f.w * ratio);
		}
	}
	zoomed = (target.w >= full - FUDGE) ? null : target;
	var params = getParams();
	if (zoomed) {
		params.x = target.xAttr;
		params.y = target.yAttr;
	} else {
		delete params.x;
		delete params.y;
		unzoombtn.classList.add("hide");
	}
	setParams(params);
	if (searchTerm !== null) search();
}

function unzoom() {
	unzoombtn.classList.add("hide");
	for (var i = 0; i < frames.length; i++) {
		var f = frames[i];
		f.g.classList.remove("parent");
		f.g.classList.remove("hide");
		f.rect.setAttribute("x", f.xAttr);
		f.rect.setAttribute("width", f.wAttr);
		f.text.setAttribute("x", (f.x + 3).toFixed(2));
		f.text.textContent = fitText(f, f.w);
	}
	zoomed = null;
	var params = getParams();
	delete params.x;
	delete params.y;
	setParams(params);
	if (searchTerm !== null) search();
}

/* ---- search ---------------------------------------------------------- */

/* Samples under the matched frames, a frame inside another counted once. */
function covered(list) {
	list.sort(function (a, b) { return a.x - b.x || b.w - a.w; });
	var sum = 0, end = -Infinity;
	for (var i = 0; i < list.length; i++) {
		var f = list[i];
		if (f.x >= end - FUDGE) {
			sum += f.samples;
			end = f.x + f.w;
		}
	}
	return sum;
}

function percent(part, whole) {
	var pct = whole > 0 ? 100 * part / whole : 0;
	return pct >= 100 ? "100" : pct.toFixed(1);
}

function search(term) {
	if (term !== undefined && term !== null) searchTerm = String(term);
	if (searchTerm === null) return;
	var re;
	try {
		re = new RegExp(searchTerm, ignorecase ? "i" : "");
	} catch (e) {
		matchedtxt.classList.remove("hide");
		matchedtxt.firstChild.nodeValue = "Invalid search: " + e.message;
		return;
	}
	var all = [], inView = [], root = null, viewCovered = false;
	for (var i = 0; i < frames.length; i++) {
		var f = frames[i];
		if (!root || f.w > root.w) root = f;
		f.matched = re.test(f.name);
		f.rect.setAttribute("fill", f.matched ? SEARCH_COLOR : f.fill);
		if (!f.matched) continue;
		all.push(f);
		if (zoomed) {
			if (isAncestorLevel(f, zoomed) || f === zoomed) {
				if (f.x <= zoomed.x + FUDGE && f.x + f.w + FUDGE >= zoomed.x + zoomed.w) viewCovered = true;
			} else if (f.x >= zoomed.x - FUDGE && f.x + FUDGE < zoomed.x + zoomed.w) {
				inView.push(f);
			}
		}
	}
	var params = getParams();
	params.s = searchTerm;
	setParams(params);
	searchbtn.classList.add("show");
	searchbtn.firstChild.nodeValue = "Reset Search";
	var total = percent(covered(all), root ? root.samples : 0);
	var text = "Matched: " + total + "%";
	if (zoomed) {
		var view = viewCovered ? "100" : percent(covered(inView), zoomed.samples);
		text = "Matched: " + view + "% of view, " + total + "% of all";
	}
	matchedtxt.classList.remove("hide");
	matchedtxt.firstChild.nodeValue = text;
}

function resetSearch() {
	for (var i = 0; i < frames.length; i++) {
		frames[i].matched = false;
		frames[i].rect.setAttribute("fill", frames[i].fill);
	}
	searchTerm = null;
	searchbtn.classList.remove("show");
	searchbtn.firstChild.nodeValue = "Search";
	matchedtxt.classList.add("hide");
	matchedtxt.firstChild.nodeValue = "";
	var params = getParams();
	delete params.s;
	setParams(params);
}

function searchPrompt() {
	if (searchTerm !== null) {
		resetSearch();
		return;
	}
	var term = prompt("Enter a search term (regexp allowed, eg: ^ext4_)" +
		(ignorecase ? ", ignoring case" : "") + "\nPress Ctrl-i to toggle case sensitivity", "");
	if (term !== null && term !== "") search(term);
}

function toggleIgnorecase() {
	ignorecase = !ignorecase;
	if (ignorecase) ignorecaseBtn.classList.add("show");
	else ignorecaseBtn.classList.remove("show");
	if (searchTerm !== null) search();
}

/* ---- URL state --------------------------------------------------------- */

function getParams() {
	var params = {};
	var parts = window.location.search.substr(1).split("&");
	for (var i = 0; i < parts.length; i++) {
		var eq = parts[i].indexOf("=");
		if (eq <= 0 || eq === parts[i].length - 1) continue;
		try {
			params[parts[i].substring(0, eq)] = decodeURIComponent(parts[i].substring(eq + 1));
		} catch (e) { /* a malformed escape: ignore that parameter */ }
	}
	return params;
}

function setParams(params) {
	var q = [];
	for (var k in params)
		if (Object.prototype.hasOwnProperty.call(params, k))
			q.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
	var url = window.location.href.split("?")[0].split("#")[0];
	try {
		history.replaceState(null, "", q.length ? url + "?" + q.join("&") : url);
	} catch (e) { /* some viewers forbid it: the state just is not kept */ }
}

/* ---- events ------------------------------------------------------------ */

function onClick(e) {
	var g = findGroup(e.target);
	if (g) {
		if (g.nodeName === "a" && !e.ctrlKey) return; /* a --nameattr link: follow it */
		e.preventDefault();
		var f = byGroup.get(g);
		if (!f) return;
		if (g.classList.contains("parent")) unzoom();
		zoom(f);
		return;
	}
	var id = e.target && e.target.id;
	if (id === "unzoom") unzoom();
	else if (id === "search") searchPrompt();
	else if (id === "ignorecase") toggleIgnorecase();
}

function onOver(e) {
	var g = findGroup(e.target);
	var f = g && byGroup.get(g);
	if (f) details.nodeValue = cfg.nametype + " " + f.title;
}

function onOut(e) {
	if (findGroup(e.target)) details.nodeValue = " ";
}

function onKey(e) {
	if (e.key === "F3" || e.keyCode === 114 || (e.ctrlKey && (e.key === "f" || e.key === "F" || e.keyCode === 70))) {
		e.preventDefault();
		searchPrompt();
	} else if (e.ctrlKey && (e.key === "i" || e.key === "I" || e.keyCode === 73)) {
		e.preventDefault();
		toggleIgnorecase();
	} else if (e.key === "Escape" || e.keyCode === 27) {
		if (searchTerm !== null) resetSearch();
		unzoom();
	}
}
