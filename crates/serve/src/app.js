// tieup serve: the page's only script. "Print a one-page brief" opens the print dialog
// (the print stylesheet lays the shortlist out on one page); compare keeps at most three.
document.addEventListener("DOMContentLoaded", () => {
  const print = document.getElementById("print");
  if (print) print.addEventListener("click", (e) => { e.preventDefault(); window.print(); });
  const boxes = Array.from(document.querySelectorAll("input[name=c]"));
  boxes.forEach((b) => b.addEventListener("change", () => {
    const ticked = boxes.filter((x) => x.checked).length;
    boxes.forEach((x) => { if (!x.checked) x.disabled = ticked >= 3; });
  }));
});
