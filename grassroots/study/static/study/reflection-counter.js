// The live count under a reflection's text: characters without spaces and line breaks, the
// way the server counts them, with how many are still missing or too many.
(function () {
  var area = document.querySelector("textarea[data-counter]");
  if (!area) return;
  var out = document.getElementById(area.dataset.counter);
  var least = parseInt(area.dataset.minLength, 10) || 0;
  var most = parseInt(area.dataset.maxLength, 10) || Infinity;
  function count(text) {
    // Array.from counts a character outside the BMP (a rare CJK character) once, as Python does.
    return Array.from(text.normalize ? text.normalize("NFC").replace(/\s+/g, "") : text.replace(/\s+/g, "")).length;
  }
  function update() {
    var n = count(area.value);
    var text = out.dataset.template.replace("{n}", n);
    out.classList.remove("text-danger", "text-success");
    if (n < least) {
      text += " · " + out.dataset.short.replace("{n}", least - n);
    } else if (n > most) {
      text += " · " + out.dataset.long.replace("{n}", n - most);
      out.classList.add("text-danger");
    } else {
      out.classList.add("text-success");
    }
    out.textContent = text;
  }
  area.addEventListener("input", update);
  update();
})();
