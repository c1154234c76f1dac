// What the browser scripts share: Debian's Chromium (/usr/bin/chromium), headless, launched
// with the flags of this machine's tests; the way a script ends; and a save as an office
// suite makes it.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

/// Headless Chromium.
function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
}

/// Runs `main`; an error it throws is printed and ends the script with exit status 2.
function run(main) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(2);
  });
}

/// Saves `from` over `target` as Excel and LibreOffice save: a temporary file in the same
/// folder, renamed over it.
function save(from, target) {
  const tmp = path.join(path.dirname(target), `~$save-${process.pid}.tmp`);
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, target);
}

module.exports = { launch, run, save };
