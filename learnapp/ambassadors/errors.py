"""The ambassadors domain's refusals: a code the view words in the user's language (messages.py)."""


class AmbassadorError(ValueError):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params
