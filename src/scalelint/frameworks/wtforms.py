"""WTForms and Flask-WTF: what a form runs when a view validates it. `form.validate()` /
`form.validate_on_submit()` call the form's own `validate` (when the project overrides it) and
each `validate_<field>` method of a field the form declares: the call graph follows them."""

from __future__ import annotations

FORM_BASES = frozenset(
    {
        "wtforms.Form", "wtforms.form.Form", "wtforms.form.BaseForm",
        "flask_wtf.FlaskForm", "flask_wtf.Form", "flask_wtf.form.FlaskForm",
        "wtforms_alchemy.ModelForm", "wtforms.ext.sqlalchemy.orm.ModelForm",
    }
)
VALIDATE_METHODS = frozenset({"validate", "validate_on_submit"})
OWN_VALIDATE = "validate"
FIELD_VALIDATOR_PREFIX = "validate_"
