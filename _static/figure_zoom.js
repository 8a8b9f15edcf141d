/* Every figure of the book opens at full size with a tap or a click (issue 13: readable on a phone).
 *
 * Each output image (not the explorers' frames, which change) is wrapped in a link to its own file:
 * without JavaScript the link still opens the image at its pixel size. With JavaScript the link
 * opens a full-screen dialog that shows the figure at the size it was drawn for (a 2x "retina" PNG
 * at half its pixel width, as on the page at 1280 px), scrollable if wider than the screen.
 * Escape, the close button or a tap on the figure closes it. No network, no kernel.
 */
(function () {
  "use strict";
  var SELECTOR = "main .cell_output img, main figure img";

  function drawnWidth(img) {
    var declared = parseFloat(img.style.width) || parseFloat(img.getAttribute("width"));
    return declared || img.naturalWidth;
  }

  function open(img, link) {
    var dialog = document.createElement("dialog");
    dialog.className = "figure-zoom-view";
    dialog.setAttribute("aria-label", "Figure at full size: " + (img.alt || ""));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "figure-zoom-close";
    close.setAttribute("aria-label", "Close the full-size figure");
    close.textContent = "\u00d7";
    var big = document.createElement("img");
    big.src = link.href;
    big.alt = img.alt;
    big.style.width = drawnWidth(img) + "px";
    dialog.appendChild(close);
    dialog.appendChild(big);
    document.body.appendChild(dialog);
    var done = function () { dialog.close(); };
    close.addEventListener("click", done);
    big.addEventListener("click", done);
    dialog.addEventListener("close", function () { dialog.remove(); link.focus(); });
    dialog.showModal();
    close.focus();
  }

  function wrap() {
    document.querySelectorAll(SELECTOR).forEach(function (img) {
      if (img.closest(".attn-explorer")) return;
      var link = img.closest("a");
      if (link && !link.classList.contains("image-reference")) return;  // a link somewhere else: leave it
      if (!link) {  // Sphinx already links a sized figure to its file ("image-reference"): reuse that link
        link = document.createElement("a");
        link.href = img.currentSrc || img.src;
        img.parentNode.insertBefore(link, img);
        link.appendChild(img);
      }
      link.classList.add("figure-zoom");
      link.setAttribute("aria-label", "Open at full size: " + (img.alt || "figure"));
      link.addEventListener("click", function (event) {
        if (typeof HTMLDialogElement === "undefined" || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        open(img, link);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wrap);
  else wrap();
})();
