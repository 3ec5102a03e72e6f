class SchoolError(ValueError):
    """A school rule refused the operation; ``code`` says which (messages.py words it)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail
