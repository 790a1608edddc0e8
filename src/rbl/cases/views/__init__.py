"""The screens of the cases app, one module per subject: the JCO list in
`jco`, the Halt and PV screens in `handhaving`. The case page itself and its
forms live in `rbl.web.views.cases`."""
