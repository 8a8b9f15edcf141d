"""What a reader sees of the layout: figures at readable size, results on screen, titles without TeX.

Called by :func:`tests.browser.checks.check_page` on every page, first at the desktop width (1280 px)
and then, on the same page, at a phone's (390 px). Each function returns a list of problems.
"""

from __future__ import annotations

#: A figure may be shown no smaller than this share of the size it was drawn for.
MIN_FIGURE_SCALE = 0.8
#: Cell tag that allows an output to scroll sideways (myst-nb puts ``tag_<name>`` on the cell).
SCROLL_TAG = "allow-scroll"

_DESKTOP = """(minScale) => {
  const problems = [];
  const main = document.querySelector('main') || document.body;
  for (const img of main.querySelectorAll('img')) {
    if (!img.naturalWidth) continue;  // reported as "did not load" elsewhere
    // 2x PNGs carry their display width (a style width, or the explorer's width attribute)
    const drawn = parseFloat(img.style.width) || parseFloat(img.getAttribute('width')) || img.naturalWidth;
    const shown = img.getBoundingClientRect().width;
    const name = (img.getAttribute('alt') || img.currentSrc).slice(0, 60);
    if (shown > 0 && shown / drawn < minScale) {
      problems.push(`figure shown at ${Math.round(100 * shown / drawn)}% of its drawn width: ${name}`);
    }
    const alt = (img.getAttribute('alt') || '').trim();
    if (!alt || /\\.(png|svg|jpe?g|gif)$/i.test(alt) || alt.startsWith('_images/')) {
      problems.push(`image without real alt text: ${img.currentSrc.slice(-60)}`);
    }
  }
  for (const pre of main.querySelectorAll('.cell_output pre, .output pre')) {
    if (pre.closest('.tag_allow-scroll')) continue;
    if (pre.scrollWidth > pre.clientWidth + 1) {
      problems.push(`output wider than the column (${pre.scrollWidth} > ${pre.clientWidth} px): `
                    + pre.textContent.trim().split('\\n')[0].slice(0, 60));
    }
  }
  const column = (main.querySelector('article') || main).getBoundingClientRect();
  for (const table of main.querySelectorAll('.cell_output table')) {
    if (table.closest('.tag_allow-scroll')) continue;
    const box = table.getBoundingClientRect();
    if (box.width > 0 && box.right > column.right + 1) {
      const past = Math.round(box.right - column.right);
      problems.push(`result table wider than the column (${Math.round(box.width)} px, ends ${past} px past it): `
                    + (table.caption ? table.caption.textContent : table.textContent).trim().slice(0, 60));
    }
  }
  const texts = [['page title', document.title]];
  for (const el of document.querySelectorAll('h1, h2, h3, h4, nav a, .prev-next-area a, main a.reference')) {
    if (/^https?:\\/\\//.test(el.textContent.trim())) continue;  // a printed URL is not a title
    const copy = el.cloneNode(true);
    copy.querySelectorAll('code, .math, mjx-container').forEach(c => c.remove());  // code names may have _
    texts.push([el.tagName.toLowerCase(), copy.textContent]);
  }
  for (const [where, text] of texts) {
    if (/[_^]|\\\\[a-z]+/.test(text)) problems.push(`TeX in ${where}: ${text.trim().slice(0, 80)}`);
  }
  return problems;
}"""

_PHONE = """() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`page scrolls sideways at ${width} px (${document.documentElement.scrollWidth} px wide)`);
  }
  for (const img of document.querySelectorAll('main img')) {
    const box = img.getBoundingClientRect();
    const name = (img.alt || img.currentSrc).slice(0, 60);
    if (box.width > width + 1) problems.push(`figure wider than the screen: ${name}`);
  }
  return problems;
}"""


def desktop_problems(page) -> list[str]:
    """Figures shrunk below MIN_FIGURE_SCALE, images without alt text, outputs that overflow, TeX in titles."""
    return list(dict.fromkeys(page.evaluate(_DESKTOP, MIN_FIGURE_SCALE)))


def phone_problems(page, width: int = 390, height: int = 844) -> list[str]:
    """Resize the open page to a phone's width and report sideways scrolling and figures wider than the screen."""
    page.set_viewport_size({"width": width, "height": height})
    # two frames drawn at the new size: media queries re-evaluated, resize and matchMedia listeners run
    # (or half a second, if the browser draws none: no hang)
    page.evaluate("() => new Promise(r => { requestAnimationFrame(() => requestAnimationFrame(r)); "
                  "setTimeout(r, 500); })")
    return [f"at {width} px: {p}" for p in page.evaluate(_PHONE)]
