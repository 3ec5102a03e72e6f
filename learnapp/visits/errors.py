"""The visits domain's own refusal: a code the view words in the user's language."""


class VisitError(ValueError):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params
