// The material form shows the fields of the chosen kind only: a file for a document, an
// address for a link, the text for a note. Without JavaScript every field stays visible.
(function () {
  var form = document.querySelector("[data-material-form]");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");
  var only = { file: "document", link: "link", body: "note" };
  function update() {
    Object.keys(only).forEach(function (name) {
      var box = form.querySelector('[data-field="' + name + '"]');
      if (box) box.hidden = kind.value !== only[name];
    });
  }
  kind.addEventListener("change", update);
  update();
})();
