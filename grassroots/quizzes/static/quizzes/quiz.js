// Quizzes: countdowns (the server decides when time is up; the page only shows it and hands in
// the answers at zero), confirmations before submitting, and the question form's type switch.
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
  }

  // [data-deadline][data-now]: an attempt's countdown. The server's "now" corrects the phone's
  // clock; at zero the form named by data-submit is handed in (the server keeps only answers
  // saved before the deadline).
  function attemptCountdown(el) {
    if (el.dataset.started) return;
    el.dataset.started = "1";
    var skew = Date.parse(el.dataset.now) - Date.now();
    var deadline = Date.parse(el.dataset.deadline);
    var label = el.querySelector("[data-countdown-label]") || el;
    var timer = window.setInterval(function () {
      var left = deadline - (Date.now() + skew);
      label.textContent = format(left);
      if (left <= 60000) el.classList.add("countdown-urgent");
      if (left <= 0) {
        window.clearInterval(timer);
        var form = document.querySelector(el.dataset.submit);
        if (form && !form.dataset.sent) {
          form.dataset.sent = "1";
          form.submit();
        }
      }
    }, 250);
  }

  // [data-remaining-ms]: a contest question's countdown, from when the server drew it.
  function contestCountdown(el) {
    if (el.dataset.started) return;
    el.dataset.started = "1";
    var end = Date.now() + parseInt(el.dataset.remainingMs, 10);
    var bar = el.querySelector(".progress-bar");
    var label = el.querySelector("[data-countdown-label]") || el;
    var total = parseInt(el.dataset.totalMs || el.dataset.remainingMs, 10) || 1;
    var timer = window.setInterval(function () {
      if (!document.body.contains(el)) {
        window.clearInterval(timer);
        return;
      }
      var left = Math.max(0, end - Date.now());
      label.textContent = String(Math.ceil(left / 1000));
      if (bar) bar.style.width = (100 * left) / total + "%";
      if (left <= 0) {
        window.clearInterval(timer);
        var form = el.closest("[data-room]") && el.closest("[data-room]").querySelector("form[data-answer]");
        if (form) {
          form.querySelectorAll("button, input").forEach(function (input) {
            input.disabled = true;
          });
        }
      }
    }, 200);
  }

  function switchTypes(select) {
    var type = select.value;
    document.querySelectorAll("[data-for-types]").forEach(function (el) {
      var box = el.closest(".mb-3") || el;
      box.hidden = el.dataset.forTypes.split(" ").indexOf(type) < 0;
    });
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    },
    true
  );

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-question-type]")) {
      switchTypes(event.target);
    }
    // Keep the count of answered questions in the header current.
    var sheet = event.target.closest && event.target.closest("[data-sheet]");
    if (sheet) {
      var answered = 0;
      sheet.querySelectorAll("[data-item]").forEach(function (item) {
        var filled = Array.prototype.some.call(item.querySelectorAll("input"), function (input) {
          return (input.type === "radio" || input.type === "checkbox") ? input.checked : input.value.trim() !== "";
        });
        if (filled) answered += 1;
      });
      var counter = document.querySelector("[data-answered]");
      if (counter) counter.textContent = String(answered);
    }
  });

  function init(root) {
    root.querySelectorAll("[data-deadline]").forEach(attemptCountdown);
    root.querySelectorAll("[data-remaining-ms]").forEach(contestCountdown);
    root.querySelectorAll("[data-question-type]").forEach(switchTypes);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  }
})();
