"""The screens of the cases app, one module per subject (the JCO list in
`jco`). The case page itself and its forms live in `rbl.web.views.cases`."""
