// The driver of bench/preview.sh: headless Chromium (playwright-core) on a page of a running
// `layerbrief preview`, while one workbook is saved over again and again (a temporary file
// renamed over it, as Excel saves).
//
// usage: node preview.cjs URL TARGET PID CYCLES REPORT.json VARIANT...
// Each cycle saves the next VARIANT over TARGET and waits for the open page to swap in its
// new content; the page's own timing (from the rebuild's start, after the save settled, to
// its content swapped) and the wall time from the save are recorded, and the preview's
// (PID) resident and peak memory after cycles 100, 200 and 300 (Linux /proc).
'use strict';

const fs = require('fs');
const { launch, run, save } = require('../tests/browser/chromium.cjs');

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number((status.match(new RegExp(`${key}:\\s+(\\d+)`)) || [0, 0])[1]);
  return { rss_kb: kb('VmRSS'), peak_kb: kb('VmHWM') };
}

async function main() {
  const [url, target, pid, cycles, reportPath, ...variants] = process.argv.slice(2);
  const browser = await launch();
  const report = { page_ms: [], save_to_swap_ms: [], memory: {} };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__preview && window.__preview.generation !== null);
    for (let i = 1; i <= Number(cycles); i++) {
      const before = await page.evaluate(() => window.__preview.swaps);
      const saved = Date.now();
      save(variants[i % variants.length], target);
      await page.waitForFunction((n) => window.__preview.swaps > n, before, { timeout: 30000, polling: 5 });
      report.save_to_swap_ms.push(Date.now() - saved);
      report.page_ms.push(await page.evaluate(() => window.__preview.timings.at(-1)));
      if (i % 100 === 0) report.memory[i] = memory(pid);
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(reportPath, JSON.stringify(report));
}

run(main);
