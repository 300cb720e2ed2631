// The organization tree: the first click loads a node's children (htmx, once); later clicks
// show and hide them. The caret and aria-expanded follow.
function grToggleNode(button) {
  var box = document.getElementById(button.getAttribute("aria-controls"));
  var open;
  if (!box.dataset.loaded) {
    box.dataset.loaded = "1";
    open = true;
  } else {
    box.hidden = !box.hidden;
    open = !box.hidden;
  }
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.firstElementChild.className = open ? "bi bi-caret-down-fill" : "bi bi-caret-right-fill";
}
