// Quizzes: progressive enhancement only. Every page works without this file; with it,
// answers are saved as the learner goes, the time left is kept up to date, the feedback of a
// checked answer gets the focus, and a second click on a button sends nothing twice.
// Nothing here knows the right answers: the server never sends them before an answer is final.
(() => {
  "use strict";

  const AUTOSAVE_DELAY = 800;

  function autosave(form) {
    const url = form.dataset.autosave;
    const status = form.querySelector(".autosave-status");
    let timer = null;
    let sending = false;
    let again = false;

    async function send() {
      if (sending) { again = true; return; }
      sending = true;
      const data = new FormData(form);
      data.delete("action");
      try {
        const response = await fetch(url, {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "Accept": "application/json" },
        });
        const body = await response.json().catch(() => ({}));
        if (response.status === 409 && body.redirect) {
          window.location.assign(body.redirect);
          return;
        }
        if (status && body.message) status.textContent = body.message;
      } catch (error) {
        // Offline for a moment: the answers stay in the page and go with the next save or click.
      } finally {
        sending = false;
        if (again) { again = false; schedule(); }
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(send, AUTOSAVE_DELAY);
    }

    form.addEventListener("change", schedule);
    form.addEventListener("input", (event) => {
      if (event.target.matches("input[type=text]")) schedule();
    });
  }

  function oneSubmission(form) {
    let sent = false;
    form.addEventListener("submit", (event) => {
      if (sent) { event.preventDefault(); return; }
      sent = true;
    });
  }

  function submitWhenTimeIsUp(timerElement) {
    const form = document.querySelector("form.quiz-form") ||
      document.querySelector("form[action$='/submit']");
    if (!form) return;
    const action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "submit";
    form.appendChild(action);
    form.submit();
  }

  function countdown(element) {
    const seconds = Number(element.dataset.secondsLeft);
    if (!Number.isFinite(seconds)) return;
    const end = Date.now() + seconds * 1000;
    const left = element.querySelector(".timer-left");
    const announcer = document.getElementById("timer-announcer");
    const template = element.dataset.leftTemplate || "";
    const announced = new Set();

    function tick() {
      const remaining = Math.max(0, Math.round((end - Date.now()) / 1000));
      const minutes = Math.ceil(remaining / 60);
      if (left && template) left.textContent = template.replace("{n}", String(minutes));
      for (const mark of [5, 1]) {
        if (minutes <= mark && !announced.has(mark) && remaining > 0 && announcer && template) {
          announced.add(mark);
          if (seconds > mark * 60) announcer.textContent = template.replace("{n}", String(minutes));
        }
      }
      if (remaining <= 1 && element.hasAttribute("data-autosubmit")) {
        submitWhenTimeIsUp(element);
        return;
      }
      window.setTimeout(tick, remaining > 120 ? 15000 : 1000);
    }
    tick();
  }

  function init() {
    document.querySelectorAll("form[data-autosave]").forEach(autosave);
    document.querySelectorAll("main form").forEach(oneSubmission);
    document.querySelectorAll(".timer[data-seconds-left]").forEach(countdown);
    const feedback = document.getElementById("feedback");
    if (feedback) feedback.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
