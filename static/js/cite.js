// Ticking search results for the citation export (issue 17). The boxes and the export buttons
// are a plain form without this file; it adds 本页全选 (hidden until then), the count of ticked
// results, and a word instead of an error page when nothing is ticked.
(() => {
  const form = document.getElementById("cite-form");
  const all = document.getElementById("cite-all");
  if (!form || !all) return;
  const status = form.querySelector(".cite-status");
  const boxes = () => Array.from(document.querySelectorAll('input[type="checkbox"][name="id"][form="cite-form"]'));

  const update = () => {
    const list = boxes();
    const ticked = list.filter((box) => box.checked).length;
    all.checked = ticked > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
    status.textContent = ticked ? `已选 ${ticked} 篇` : "";
  };

  all.addEventListener("change", () => {
    for (const box of boxes()) box.checked = all.checked;
    update();
  });
  document.addEventListener("change", (event) => {
    if (event.target !== all && event.target.form === form) update();
  });
  form.addEventListener("submit", (event) => {
    if (!boxes().some((box) => box.checked)) {
      event.preventDefault();
      status.textContent = "请先勾选要导出的文章";
    }
  });
  all.closest(".cite-all").hidden = false;
  update(); // boxes the browser kept ticked when the reader came back to the page
})();
