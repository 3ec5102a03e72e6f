// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Bring the error summary into view and focus so screen readers announce it.
  const summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();
});
