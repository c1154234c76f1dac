// The browser test of the web edition, run by tests/it/site.rs: headless Chromium (Debian's,
// /usr/bin/chromium) driven by playwright-core, checked with axe-core.
//
// usage: node site.cjs BASE_URL SCREENSHOT_DIR REPORT.json PAGE...
//   BASE_URL        the site served on loopback, e.g. http://127.0.0.1:8123/
//   SCREENSHOT_DIR  where site-<page>-<width>.png are written (index and the first brief)
//   REPORT.json     what was found: per page, its console errors, failed requests, requests to
//                   other hosts, serious or critical axe violations, its text and its stack
//                   picture per width (each band's visible text, top band first); under
//                   `layout`, how the index lays out with the web fonts refused (as browsers
//                   may refuse them from file://), per width
//   PAGE...         site-relative paths, e.g. index.html coreweave/index.html
// Exit status 0 when the report was written (the Rust test judges it), 2 on a usage or
// launch error.
'use strict';

const fs = require('fs');
const path = require('path');
const { launch, run } = require('./chromium.cjs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const WIDTHS = [390, 1280];

async function main() {
  const [base, shots, reportPath, ...pages] = process.argv.slice(2);
  if (!base || !shots || !reportPath || pages.length === 0) {
    console.error('usage: node site.cjs BASE_URL SCREENSHOT_DIR REPORT.json PAGE...');
    process.exit(2);
  }
  const origin = new URL(base).origin;
  const browser = await launch();
  const report = {};
  try {
    for (const rel of pages) {
      report[rel] = await checkPage(browser, origin, new URL(rel, base).href);
    }
    report.layout = await layoutWithoutFonts(browser, new URL(pages[0], base).href);
    // Screenshots for the README: the index and the first brief, phone and desktop.
    const shot = [
      ['index', pages[0]],
      ['brief', pages.find((p) => p !== 'index.html' && p.endsWith('/index.html'))],
    ];
    for (const [name, rel] of shot) {
      if (!rel) continue;
      for (const width of WIDTHS) {
        const context = await browser.newContext({
          viewport: { width, height: width < 600 ? 844 : 900 },
          deviceScaleFactor: 1,
        });
        const page = await context.newPage();
        await page.goto(new URL(rel, base).href, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: path.join(shots, `site-${name}-${width}.png`) });
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
}

/// The index at each width with every font request refused: whether the page scrolls
/// sideways, whether the matrix's region does, and whether each DAPM profile bar lies inside
/// the region.
async function layoutWithoutFonts(browser, url) {
  const out = {};
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.route(/\.(otf|ttf|woff2?)$/, (r) => r.abort());
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    out[width] = await page.evaluate(() => {
      const doc = document.documentElement;
      const region = document.querySelector('.scroll');
      const box = region.getBoundingClientRect();
      const bars = [...document.querySelectorAll('.profile-cell .bar-strip')];
      return {
        inter: [...document.fonts].some((f) => f.family.includes('Inter') && f.status === 'loaded'),
        page_scrolls: doc.scrollWidth > doc.clientWidth,
        region_scrolls: region.scrollWidth > region.clientWidth,
        bars: bars.length,
        bars_inside: bars.every((b) => {
          const r = b.getBoundingClientRect();
          return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
        }),
      };
    });
    await context.close();
  }
  return out;
}

/// Loads one page at each width; returns what went wrong and its text.
async function checkPage(browser, origin, url) {
  const found = { console: [], failed: [], foreign: [], violations: [], fonts: [], text: '' };
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') found.console.push(`${width}px: ${m.text()}`);
    });
    page.on('pageerror', (e) => found.console.push(`${width}px: ${e.message}`));
    page.on('requestfailed', (r) =>
      found.failed.push(`${width}px: ${r.url()} (${r.failure() && r.failure().errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400) found.failed.push(`${width}px: ${r.url()} (HTTP ${r.status()})`);
    });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin !== origin && u.protocol !== 'data:') found.foreign.push(r.url());
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) found.failed.push(`${width}px: ${url} did not load`);
    await page.evaluate(() => document.fonts.ready);
    found.fonts = await page.evaluate(() =>
      [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family} ${f.weight} ${f.style}`));
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () =>
      window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of axe.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        found.violations.push({
          width,
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary),
        });
      }
    }
    if (width === WIDTHS[WIDTHS.length - 1]) {
      found.text = await page.evaluate(() => document.body.innerText);
    }
    // The stack picture as the reader sees it, top band first, at each width.
    found.stack = found.stack || {};
    found.stack[width] = await page.evaluate(() => {
      const figure = document.querySelector('figure.stack');
      if (!figure) return null;
      const alt = figure.querySelector('figcaption .visually-hidden');
      return {
        alt: alt ? alt.textContent : null,
        bands: [...figure.querySelectorAll('.stack-band')].map((b) => {
          const r = b.getBoundingClientRect();
          return {
            layer: b.dataset.layer,
            text: b.innerText.replace(/\s+/g, ' ').trim(),
            inside: r.left >= 0 && r.right <= document.documentElement.clientWidth + 0.5,
          };
        }),
      };
    });
    await context.close();
  }
  return found;
}

run(main);
