// The admin's article form: scroll the page's OCR text to where the article starts.
(() => {
  const here = document.getElementById("ocr-here");
  if (!here) return;
  const pane = here.closest("pre");
  pane.scrollTop = Math.max(0, here.offsetTop - pane.offsetTop - 48);
})();
