// "Lire à voix haute": reads the lesson with the browser's own speech synthesis, in French.
// Progressive enhancement: the button stays hidden unless this script runs and the browser has a
// voice; the page works the same without it. Pressing the button again stops the reading.
(() => {
  "use strict";

  const synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  // Some voices stop after a few hundred characters: speak sentence-sized pieces, one after another.
  const MAX_PIECE = 220;

  function pieces(text) {
    const result = [];
    for (const line of text.split(/\n+/)) {
      const clean = line.replace(/\s+/g, " ").trim();
      if (!clean) continue;
      const sentences = clean.match(/[^.!?…;:]+[.!?…;:]*\s*/g) || [clean];
      let current = "";
      for (const sentence of sentences) {
        if ((current + sentence).length > MAX_PIECE && current) {
          result.push(current.trim());
          current = "";
        }
        current += sentence;
      }
      if (current.trim()) result.push(current.trim());
    }
    return result;
  }

  function frenchVoice() {
    const voices = synth.getVoices();
    return voices.find((v) => v.lang === "fr-FR") ||
      voices.find((v) => v.lang && v.lang.toLowerCase().replace("_", "-").startsWith("fr")) || null;
  }

  function setup(button) {
    const label = button.querySelector("[data-read-aloud-label]") || button;
    const startLabel = button.dataset.labelStart || label.textContent;
    const stopLabel = button.dataset.labelStop || startLabel;
    let run = 0; // each reading has its number: events of a stopped reading are ignored

    function show(speaking) {
      label.textContent = speaking ? stopLabel : startLabel;
      button.classList.toggle("speaking", speaking);
    }

    function stop() {
      run += 1;
      synth.cancel();
      show(false);
    }

    function start() {
      const text = Array.from(document.querySelectorAll("[data-read-aloud]"))
        .map((element) => element.innerText)
        .join("\n");
      const queue = pieces(text);
      if (!queue.length) return;
      synth.cancel();
      run += 1;
      const current = run;
      const voice = frenchVoice();
      queue.forEach((piece, index) => {
        const utterance = new SpeechSynthesisUtterance(piece);
        utterance.lang = "fr-FR";
        if (voice) utterance.voice = voice;
        utterance.rate = document.body.classList.contains("reader-child") ? 0.9 : 1;
        if (index === queue.length - 1) {
          utterance.addEventListener("end", () => { if (run === current) show(false); });
        }
        utterance.addEventListener("error", () => { if (run === current) stop(); });
        synth.speak(utterance);
      });
      show(true);
    }

    button.addEventListener("click", () => {
      if (button.classList.contains("speaking")) stop();
      else start();
    });
    // Leaving the page ends the reading.
    window.addEventListener("pagehide", () => synth.cancel());
    button.hidden = false;
  }

  function init() {
    const buttons = Array.from(document.querySelectorAll("[data-read-aloud-button]"));
    if (!buttons.length) return;
    // A browser without any voice cannot read: the button stays hidden. Voices often load after
    // the page (Chromium announces them with "voiceschanged").
    let ready = false;
    const reveal = () => {
      if (ready || !synth.getVoices().length) return;
      ready = true;
      buttons.forEach(setup);
    };
    reveal();
    if (!ready && typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", reveal);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
