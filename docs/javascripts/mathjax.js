// MathJax's configuration for pymdownx.arithmatex (generic mode): typeset only what arithmatex marked.
// MathJax itself is served from assets/mathjax/ (copied at build time from a PyPI wheel by docs/hooks/mathjax.py),
// not from a CDN; the loader takes TeX input and CommonHTML output only (no menu, no speech rule engine).
window.MathJax = {
  loader: {
    load: ["input/tex", "output/chtml"]
  },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  }
};
