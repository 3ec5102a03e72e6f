// Lesson editor: live preview and image upload without leaving the page.
// Progressive enhancement only: without this file the "Prévisualiser" button re-renders the
// page with the preview, and the upload form shows the line to copy.
(() => {
  "use strict";

  const DELAY_MS = 800;

  function csrfToken(form) {
    const input = form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function setupPreview() {
    const form = document.getElementById("lesson-editor");
    const target = document.getElementById("preview");
    if (!form || !target || !form.dataset.previewUrl || !window.fetch) return;

    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    target.parentNode.insertBefore(status, target);

    let timer = null;
    let sequence = 0;

    async function refresh(announce) {
      const mine = ++sequence;
      const body = new FormData(form);
      body.delete("action");
      try {
        const response = await fetch(form.dataset.previewUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form), Accept: "text/html" },
        });
        if (mine !== sequence) return; // a newer preview is on its way
        if (response.status !== 200 && response.status !== 400) throw new Error(String(response.status));
        target.innerHTML = await response.text();
        target.dataset.state = response.status === 200 ? "ok" : "problems";
        if (announce) {
          status.textContent = response.status === 200
            ? form.dataset.msgUpdated || "Aperçu mis à jour."
            : form.dataset.msgProblems || "Aperçu mis à jour : il y a des points à corriger.";
        }
      } catch (error) {
        if (announce) status.textContent = form.dataset.msgFailed || "L'aperçu n'a pas pu être mis à jour.";
      }
    }

    form.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => refresh(false), DELAY_MS);
    });

    const button = form.querySelector('button[name="action"][value="preview"]');
    if (button) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        window.clearTimeout(timer);
        refresh(true);
      });
    }
  }

  function insertAtCursor(textarea, text) {
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    const lead = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    const trail = after.startsWith("\n") ? "" : "\n";
    textarea.value = before + lead + text + trail + after;
    const caret = (before + lead + text).length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setupUpload() {
    const form = document.getElementById("image-upload");
    const result = document.getElementById("upload-result");
    const body = document.querySelector("#lesson-editor textarea[name='body']");
    if (!form || !result || !window.fetch) return;

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.querySelectorAll(".js-error").forEach((node) => node.remove());
      form.querySelectorAll("[aria-invalid]").forEach((node) => {
        node.removeAttribute("aria-invalid");
        const kept = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-js-error"));
        if (kept.length) node.setAttribute("aria-describedby", kept.join(" "));
        else node.removeAttribute("aria-describedby");
      });
      result.textContent = "";
      let response;
      let data = {};
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
        });
        data = await response.json();
      } catch (error) {
        form.submit(); // let the server page explain
        return;
      }
      if (response.ok && data.snippet) {
        if (body) insertAtCursor(body, data.snippet);
        const note = document.createElement("p");
        note.textContent = (form.dataset.msgInserted || "Image enregistrée et insérée dans le texte :") + " ";
        const code = document.createElement("code");
        code.textContent = data.snippet;
        note.appendChild(code);
        result.appendChild(note);
        form.reset();
        return;
      }
      const errors = data.errors || { image: [data.message || data.error || "Erreur"] };
      Object.entries(errors).forEach(([name, messages]) => {
        const input = form.querySelector(`[name="${name}"]`);
        const message = document.createElement("p");
        message.className = "error js-error";
        message.id = `${name}-js-error`;
        message.textContent = messages.join(" ");
        if (input) {
          input.setAttribute("aria-invalid", "true");
          const described = input.getAttribute("aria-describedby");
          input.setAttribute("aria-describedby", described ? `${described} ${message.id}` : message.id);
          input.insertAdjacentElement("afterend", message);
        } else {
          result.appendChild(message);
        }
      });
      const first = form.querySelector("[aria-invalid]");
      if (first) first.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupPreview();
    setupUpload();
  });
})();
