// The search page: on a narrow screen the facets start folded behind 筛选 (they are a
// <details>, so they open without this script too).
(() => {
  const toggle = document.getElementById("facets");
  if (toggle && window.matchMedia("(max-width: 760px)").matches) toggle.open = false;
})();
