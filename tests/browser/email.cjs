// The browser check of a message's HTML part, run by tests/it/stack.rs: headless Chromium
// (Debian's, /usr/bin/chromium) driven by playwright-core renders the part as a mail client
// would (a file, no network), reports its layer table and screenshots it.
//
// usage: node email.cjs PART.html SCREENSHOT.png REPORT.json
//   REPORT.json  per row of the layer table: the status badge's text and background colour,
//                and each authority chip's text and background colour; the requests the page
//                made to anything but its own file
// Exit status 0 when the report was written (the Rust test judges it), 2 on a usage or
// launch error.
'use strict';

const fs = require('fs');
const { pathToFileURL } = require('url');
const { launch, run } = require('./chromium.cjs');

async function main() {
  const [part, shot, reportPath] = process.argv.slice(2);
  if (!part || !shot || !reportPath) {
    console.error('usage: node email.cjs PART.html SCREENSHOT.png REPORT.json');
    process.exit(2);
  }
  const browser = await launch();
  const url = pathToFileURL(part).href;
  const report = { requests: [], rows: [] };
  try {
    const context = await browser.newContext({ viewport: { width: 760, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('request', (r) => { if (r.url() !== url) report.requests.push(r.url()); });
    await page.goto(url, { waitUntil: 'load' });
    report.rows = await page.evaluate(() => [...document.querySelectorAll('tbody tr')].map((tr) => {
      const mark = (el) => ({ text: el.innerText.trim(), background: getComputedStyle(el).backgroundColor });
      const status = tr.cells[1].querySelector('span');
      return {
        layer: tr.cells[0].innerText.replace(/\s+/g, ' ').trim(),
        status: status ? mark(status) : null,
        chips: [...tr.cells[2].querySelectorAll('span')]
          .filter((s) => getComputedStyle(s).backgroundColor !== 'rgba(0, 0, 0, 0)')
          .map(mark),
      };
    }));
    await page.screenshot({ path: shot, fullPage: true });
    await context.close();
  } finally {
    await browser.close();
  }
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
}

run(main);
