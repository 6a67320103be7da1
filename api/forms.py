from django import forms


class KeyNameForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name of the new token",
        help_text="What it is for, so you can tell your tokens apart: “Ministry dashboard”.",
    )
