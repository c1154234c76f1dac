// The browser test of `layerbrief preview`, run by tests/it/preview.rs: headless Chromium
// (Debian's, /usr/bin/chromium) driven by playwright-core, checked with axe-core.
//
// usage: node preview.cjs URL TARGET EDITED BROKEN FIXED SENTENCE REPORT.json [SHOT.png]
//   URL       an assessment's page in the running preview
//   TARGET    the workbook the preview watches; EDITED, BROKEN and FIXED are saved over it
//             in turn, as Excel saves (a temporary file in its folder, renamed over it)
//   SENTENCE  a sentence EDITED adds to the brief
//   SHOT.png  where a screenshot of the page with the problems of BROKEN goes (the README's)
// Writes what it saw per step (the page's text, problems, scroll position, marks, timings,
// serious or critical axe violations at 390 and 1280 px); exit status 0 when the report was
// written (the Rust test judges it), 2 on a usage or launch error.
'use strict';

const fs = require('fs');
const { launch, run, save } = require('./chromium.cjs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// Waits (at most 20 s) until `test` holds in the page.
async function until(page, test, arg) {
  await page.waitForFunction(test, arg, { timeout: 20000, polling: 25 });
}

async function axe(page) {
  const out = [];
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of r.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        out.push({ width, id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) });
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return out;
}

async function main() {
  const [url, target, edited, broken, fixed, sentence, reportPath, shot] = process.argv.slice(2);
  if (!reportPath) {
    console.error('usage: node preview.cjs URL TARGET EDITED BROKEN FIXED SENTENCE REPORT.json [SHOT.png]');
    process.exit(2);
  }
  const browser = await launch();
  const report = { console: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') report.console.push(m.text()); });
    page.on('pageerror', (e) => report.console.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
    await until(page, () => window.__preview && window.__preview.generation !== null);
    report.opened = { axe: await axe(page), hasSentence: (await page.textContent('main')).includes(sentence) };

    // 1. An edit: the new sentence appears without a reload, where the reader was.
    await page.evaluate(() => window.scrollTo(0, 1400));
    const y = await page.evaluate(() => window.scrollY);
    const reloads = await page.evaluate(() => { window.__marker = 1; return window.__preview.swaps; });
    save(edited, target);
    await until(page, (s) => document.querySelector('main').textContent.includes(s), sentence);
    report.edited = {
      scrollBefore: y,
      scrollAfter: await page.evaluate(() => window.scrollY),
      samePage: await page.evaluate(() => window.__marker === 1),
      swaps: (await page.evaluate(() => window.__preview.swaps)) - reloads,
      marked: await page.evaluate(() => [...document.querySelectorAll('.preview-changed')].map((e) => e.id || e.dataset.layer)),
      timings: await page.evaluate(() => window.__preview.timings),
      axe: await axe(page),
    };

    // 2. A bad cell: every problem above the last good version, marked out of date.
    save(broken, target);
    await until(page, () => !!document.querySelector('.preview-problems'));
    if (shot) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: shot });
    }
    report.broken = {
      problems: await page.evaluate(() => document.querySelector('.preview-problems').innerText),
      stale: await page.evaluate(() => document.querySelector('main').classList.contains('preview-stale')),
      stillShowsLastGood: (await page.textContent('main')).includes(sentence),
      axe: await axe(page),
    };

    // 3. Fixed: the problems go.
    save(fixed, target);
    await until(page, () => !document.querySelector('.preview-problems'));
    report.fixed = {
      stale: await page.evaluate(() => document.querySelector('main').classList.contains('preview-stale')),
      axe: await axe(page),
    };
  } finally {
    await browser.close();
  }
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
}

run(main);
