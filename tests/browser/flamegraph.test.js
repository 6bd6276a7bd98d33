/*
 * flamegraph.test.js - flamekit's SVG flame graphs in a real browser.
 *
 * Debian's Chromium, headless, driven by playwright-core (no browser
 * download). The SVGs are made by run.sh from corpus data and served from
 * 127.0.0.1 by a throw-away HTTP server here, so the URL state (?x=&y=&s=)
 * behaves as it does for a user. Every check reads the DOM after real mouse
 * clicks and key presses. Ends with "N passed, N failed".
 *
 *   node flamegraph.test.js OUT_DIR JAVA_FOLDED
 */
"use strict";
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const outDir = process.argv[2];
const javaFolded = process.argv[3];
let passed = 0, failed = 0;

function check(name, cond, detail) {
	if (cond) {
		passed++;
		console.log("ok   " + name);
	} else {
		failed++;
		console.log("FAIL " + name + (detail !== undefined ? ": " + JSON.stringify(detail) : ""));
	}
}

/* The oracle for "Matched:": samples of the stacks holding a matching frame. */
function expectedMatch(folded, re) {
	let total = 0, hit = 0;
	for (const line of fs.readFileSync(folded, "utf8").split("\n")) {
		const m = /^(.*?)\s+([0-9.]+)$/.exec(line);
		if (!m) continue;
		const n = parseFloat(m[2]);
		total += n;
		const frames = m[1].split(";").map((f) => f.replace(/_\[[kwij]\]$/, ""));
		if (frames.some((f) => re.test(f))) hit += n;
	}
	const pct = 100 * hit / total;
	return pct >= 100 ? "100" : pct.toFixed(1);
}

function serve(dir) {
	const server = http.createServer((req, res) => {
		const file = path.join(dir, path.basename(decodeURIComponent(req.url.split("?")[0])));
		fs.readFile(file, (err, data) => {
			if (err) {
				res.writeHead(404);
				res.end();
				return;
			}
			res.writeHead(200, { "Content-Type": "image/svg+xml" });
			res.end(data);
		});
	});
	return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/* The DOM state of every frame: title, classes, rect x/width, fill, label. */
function frameState(page) {
	return page.evaluate(() => Array.from(document.getElementById("frames").children).map((g) => {
		const r = g.querySelector("rect");
		return {
			title: g.querySelector("title").textContent,
			cls: g.getAttribute("class") || "",
			x: r.getAttribute("x"), y: r.getAttribute("y"), w: r.getAttribute("width"),
			fill: r.getAttribute("fill"), label: g.querySelector("text").textContent
		};
	}));
}

async function clickFrame(page, index) {
	const rect = (await page.$$("#frames > * > rect"))[index];
	const box = await rect.boundingBox();
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

async function text(page, id) {
	return page.evaluate((i) => document.getElementById(i).textContent, id);
}

async function main() {
	const server = await serve(outDir);
	const base = "http://127.0.0.1:" + server.address().port + "/";
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fk-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: "/usr/bin/chromium",
		headless: true,
		viewport: { width: 1300, height: 1300 },
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"]
	});
	const page = context.pages()[0] || await context.newPage();
	const dialogs = [];
	const errors = [];
	page.on("pageerror", (e) => errors.push(String(e)));
	/* Any alert() is an XSS; prompts are answered by each test. */
	let answer = null;
	page.on("dialog", async (d) => {
		dialogs.push(d.type() + ":" + d.message());
		if (d.type() === "prompt" && answer !== null) await d.accept(answer);
		else await d.dismiss();
	});

	// ---- zoom ------------------------------------------------------------------
	await page.goto(base + "java.svg");
	const before = await frameState(page);
	check("frames are drawn", before.length > 100, before.length);
	/* A frame with a visible sibling at its level: the first frame (not the
	 * root) whose level holds another frame. */
	let target = -1, sibling = -1;
	for (let i = 0; i < before.length && target < 0; i++) {
		const f = before[i];
		if (f.title.startsWith("all (") || parseFloat(f.w) > 1100 || parseFloat(f.w) < 20) continue;
		const s = before.findIndex((o, j) => j !== i && o.y === f.y);
		if (s >= 0) { target = i; sibling = s; }
	}
	check("found a frame with a sibling", target >= 0);
	await clickFrame(page, target);
	let after = await frameState(page);
	check("click zooms: the frame spans the full width",
		after[target].x === "10" && Math.abs(parseFloat(after[target].w) - 1180) < 0.01, after[target]);
	check("click zooms: a sibling is hidden", after[sibling].cls.includes("hide"), after[sibling]);
	const root = after.findIndex((f) => f.title.startsWith("all ("));
	check("click zooms: ancestors greyed and stretched",
		after[root].cls.includes("parent") && after[root].w === "1180", after[root]);
	const name = before[target].title.replace(/ \([^()]*\)$/, "");
	check("click zooms: label re-fitted to the new width",
		after[target].label === name || (after[target].label.endsWith("..") && after[target].label.length > before[target].label.length),
		[before[target].label, after[target].label]);
	check("Reset Zoom shown", !(await page.getAttribute("#unzoom", "class") || "").includes("hide"));
	const zoomUrl = page.url();
	check("zoom is kept in the URL", /[?&]x=/.test(zoomUrl) && /[?&]y=/.test(zoomUrl), zoomUrl);
	await page.screenshot({ path: path.join(outDir, "flamegraph-zoomed.png") });

	await page.click("#unzoom");
	after = await frameState(page);
	check("Reset Zoom restores every frame",
		after.every((f, i) => f.x === before[i].x && f.w === before[i].w && !f.cls.includes("hide") && !f.cls.includes("parent")),
		after.find((f, i) => f.x !== before[i].x || f.w !== before[i].w || f.cls !== before[i].cls));
	check("Reset Zoom restores the labels", after.every((f, i) => f.label === before[i].label),
		after.find((f, i) => f.label !== before[i].label));
	check("Reset Zoom clears the URL", !/[?&][xy]=/.test(page.url()), page.url());

	// ---- hover -----------------------------------------------------------------
	const box = await (await page.$$("#frames > * > rect"))[target].boundingBox();
	await page.mouse.move(box.x + 2, box.y + 2);
	check("details line on hover", (await text(page, "details")) === "Function: " + before[target].title,
		await text(page, "details"));
	check("native tooltip is the <title>", /^.+ \([0-9,]+ samples, [0-9.]+%\)$/.test(before[target].title),
		before[target].title);

	// ---- search ----------------------------------------------------------------
	const term = "^java/";
	answer = term;
	await page.keyboard.press("Control+F");
	await page.waitForFunction(() => document.getElementById("matched").textContent.startsWith("Matched"));
	after = await frameState(page);
	const re = new RegExp(term);
	const shouldMatch = after.map((f) => re.test(f.title.replace(/ \([^()]*\)$/, "")));
	check("search highlights exactly the matching frames",
		after.every((f, i) => (f.fill === "rgb(230,0,230)") === shouldMatch[i]) && shouldMatch.some((m) => m),
		after.filter((f, i) => (f.fill === "rgb(230,0,230)") !== shouldMatch[i]).slice(0, 3));
	const want = expectedMatch(javaFolded, re);
	check("Matched: shows the share of samples", (await text(page, "matched")) === "Matched: " + want + "%",
		[await text(page, "matched"), want]);
	check("search is kept in the URL", page.url().includes("s=" + encodeURIComponent(term)), page.url());
	check("Search button becomes Reset Search", (await text(page, "search")) === "Reset Search");
	await page.screenshot({ path: path.join(outDir, "flamegraph-search.png") });

	/* Zoomed: Matched gives the view's share and the whole graph's. */
	await clickFrame(page, target);
	const zm = await text(page, "matched");
	check("Matched while zoomed: view and whole graph",
		new RegExp("^Matched: [0-9.]+% of view, " + want.replace(".", "\\.") + "% of all$").test(zm), zm);
	await page.keyboard.press("Escape");
	after = await frameState(page);
	check("Esc resets zoom and search",
		after.every((f, i) => f.x === before[i].x && f.fill === before[i].fill && !f.cls.includes("hide")) &&
		!/[?&][sxy]=/.test(page.url()), page.url());

	/* Ignore case: Ctrl-I, and the ic button. */
	answer = "^JAVA/";
	await page.keyboard.press("F3");
	await page.waitForFunction(() => document.getElementById("search").textContent === "Reset Search");
	const caseSensitive = await text(page, "matched");
	await page.keyboard.press("Control+I");
	const ignoring = await text(page, "matched");
	check("F3 searches; case matters by default", caseSensitive === "Matched: 0.0%", caseSensitive);
	check("Ctrl-I ignores case", ignoring === "Matched: " + want + "%", ignoring);
	check("ic shows it is on", (await page.getAttribute("#ignorecase", "class") || "").includes("show"));
	await page.click("#ignorecase");
	check("ic button toggles it off", (await text(page, "matched")) === "Matched: 0.0%");
	answer = null;
	await page.click("#search"); /* Reset Search */
	check("Reset Search restores colours", (await frameState(page)).every((f, i) => f.fill === before[i].fill));

	// ---- URL state -------------------------------------------------------------
	await page.goto(base + "java.svg?s=" + encodeURIComponent("^java/"));
	await page.waitForFunction(() => document.getElementById("matched").textContent.startsWith("Matched"));
	check("?s= restores a search", (await text(page, "matched")) === "Matched: " + want + "%");
	await page.goto(base + "java.svg?x=" + encodeURIComponent(before[target].x) + "&y=" + encodeURIComponent(before[target].y));
	after = await frameState(page);
	check("?x=&y= restores a zoom", after[target].x === "10" && after[target].w === "1180" &&
		after[sibling].cls.includes("hide"), after[target]);
	await page.screenshot({ path: path.join(outDir, "flamegraph.png") });

	// ---- hostile names ---------------------------------------------------------
	dialogs.length = 0;
	await page.goto(base + "hostile.svg");
	const hostile = await frameState(page);
	check("hostile names render as text",
		hostile.some((f) => f.title.startsWith("<script>alert(1)</script> (")) &&
		hostile.some((f) => f.title.startsWith("\"onload=\"alert(2) (")), hostile.map((f) => f.title).slice(0, 5));
	for (let i = 0; i < hostile.length; i++) {
		if (hostile[i].cls.includes("hide")) continue;
		const b = await (await page.$$("#frames > * > rect"))[i].boundingBox();
		if (!b || b.width < 1) continue;
		await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
		await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
		await page.keyboard.press("Escape");
	}
	answer = "<script>";
	await page.keyboard.press("Control+F");
	answer = null;
	check("one script element only", (await page.evaluate(() => document.querySelectorAll("script").length)) === 1);
	check("no alert ran", dialogs.every((d) => !d.startsWith("alert")), dialogs);
	check("search finds the <script> frame", (await frameState(page)).some((f) => f.fill === "rgb(230,0,230)"));
	check("no script errors", errors.length === 0, errors);

	await context.close();
	server.close();
	fs.rmSync(profile, { recursive: true, force: true });
}

main().then(() => {
	console.log(passed + " passed, " + failed + " failed");
	process.exit(failed === 0 ? 0 : 1);
}, (e) => {
	console.log("FAIL browser test crashed: " + (e && e.stack || e));
	console.log(passed + " passed, " + (failed + 1) + " failed");
	process.exit(1);
});
