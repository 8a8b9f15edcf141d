// Page-side helpers of reader_checks.py: each function returns a list of problems or findings.

function parseColour(text) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(text || '');
  if (!m) return null;
  return {r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4]};
}

function over(top, bottom, opacity = 1) {
  if (!top) return bottom;
  const a = top.a * opacity;
  const mix = k => a * top[k] + (1 - a) * bottom[k];
  return {r: mix('r'), g: mix('g'), b: mix('b'), a: 1};
}

function luminance(c) {
  const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function label(el) { return (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40); }

function diagramSizes(minScale, minTextPx) {
  const problems = [];
  document.querySelectorAll('.mermaid svg').forEach((svg, i) => {
    const natural = svg.viewBox.baseVal && svg.viewBox.baseVal.width || parseFloat(svg.getAttribute('width'));
    const shown = svg.getBoundingClientRect().width;
    if (!natural || !shown) return;
    const scale = shown / natural;
    const sizes = Array.from(svg.querySelectorAll('.nodeLabel, .edgeLabel, .cluster-label, text'))
      .map(t => parseFloat(getComputedStyle(t).fontSize) * scale).filter(s => s > 0);
    const smallest = sizes.length ? Math.min(...sizes) : 0;
    if (scale < minScale && smallest < minTextPx) {
      problems.push(`diagram ${i} shown at ${Math.round(100 * scale)}% of its natural width `
                    + `(${Math.round(natural)} px), smallest text ${smallest.toFixed(1)} px`);
    }
  });
  return problems;
}

function diagramContrast(minContrast) {
  const problems = [];
  const white = {r: 255, g: 255, b: 255, a: 1};  // the canvas under a transparent page
  const page = over(parseColour(getComputedStyle(document.body).backgroundColor), white);
  const shapeOf = g => g.querySelector('rect, polygon, circle, ellipse, path');
  const fillOf = (shape, behind) => {
    const s = getComputedStyle(shape);
    return over(parseColour(s.fill), behind, parseFloat(s.fillOpacity) * parseFloat(s.opacity));
  };
  document.querySelectorAll('.mermaid svg').forEach((svg, i) => {
    const filter = getComputedStyle(svg).filter;
    if (filter && filter !== 'none') {  // the colours checked below are not the colours shown
      problems.push(`diagram ${i}: drawn through a CSS filter (${filter}) over mermaid's own colours`);
    }
    const clusters = Array.from(svg.querySelectorAll('g.cluster')).map(g => {
      const shape = shapeOf(g);
      return {g, box: shape.getBoundingClientRect(), fill: fillOf(shape, page)};
    }).sort((a, b) => a.box.width * a.box.height - b.box.width * b.box.height);
    const behind = el => {
      const r = el.getBoundingClientRect();
      const [x, y] = [r.x + r.width / 2, r.y + r.height / 2];
      const c = clusters.find(c => c.box.left <= x && x <= c.box.right && c.box.top <= y && y <= c.box.bottom);
      return c ? c.fill : page;
    };
    const check = (what, fg, bg, el) => {
      if (!fg) return;
      const ratio = contrast(over(fg, bg), bg);
      if (ratio < minContrast) problems.push(`diagram ${i}: ${what} contrast ${ratio.toFixed(2)}: ${label(el)}`);
    };
    const textColour = el => {
      const t = el.querySelector('.nodeLabel, .cluster-label span, span, text') || el;
      return parseColour(t.tagName === 'text' || t.tagName === 'tspan' ? getComputedStyle(t).fill : getComputedStyle(t).color);
    };
    svg.querySelectorAll('g.node').forEach(node => {
      const shape = shapeOf(node);
      if (!shape) return;
      const under = behind(shape);
      const fill = fillOf(shape, under);
      check('node text on its fill', textColour(node), fill, node);
      const stroke = parseColour(getComputedStyle(shape).stroke);
      if (stroke && parseFloat(getComputedStyle(shape).strokeWidth) > 0 && contrast(fill, under) < minContrast) {
        check('node border on the page', stroke, under, node);
      }
    });
    clusters.forEach(c => check('group title on its fill', textColour(c.g), c.fill, c.g));
    svg.querySelectorAll('.flowchart-link, .edgePath path').forEach(path => {
      check('arrow on the page', parseColour(getComputedStyle(path).stroke), behind(path), path);
    });
  });
  return problems;
}

// The search boxes and buttons on screen: [in the page's chrome, in the article (the search page's form)].
function visibleSearch() {
  const chrome = [], article = [];
  document.querySelectorAll('.search-button-field, .search-button, form.bd-search input, input[type=search]')
    .forEach(el => {
      if (el.closest('dialog:not([open])')) return;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      if (r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > 0 && r.left < window.innerWidth) {
        (el.closest('main') ? article : chrome)
          .push(`${el.tagName.toLowerCase()}.${el.className.split(' ').slice(0, 2).join('.')}`);
      }
    });
  return [chrome, article];
}

function untaggedChinese() {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\u3400-\u9fff]/.test(node.data) || node.parentElement.closest('script, style')) continue;
    const tagged = node.parentElement.closest('[lang]');
    if (!tagged || !/^zh/i.test(tagged.getAttribute('lang'))) found.push(node.data.trim().slice(0, 30));
  }
  return found;
}

function tablesOffScreen() {
  const found = [];
  document.querySelectorAll('main table').forEach(table => {
    if (table.closest('.cell_output')) return;  // result tables may scroll in their own box on a phone
    const box = table.getBoundingClientRect();
    const scroller = table.closest('.pst-scrollable-table-container') || table.parentElement;
    if (box.right > window.innerWidth + 1 || scroller.scrollWidth > scroller.clientWidth + 1) {
      found.push(`${Math.round(box.width)} px wide: ${label(table.querySelector('tr') || table)}`);
    }
  });
  return found;
}

function unzoomableFigures() {
  return Array.from(document.querySelectorAll('main .cell_output img, main figure img'))
    .filter(img => !img.closest('.attn-explorer') && !img.closest('a.figure-zoom'))
    .map(img => (img.alt || img.currentSrc).slice(0, 60));
}
