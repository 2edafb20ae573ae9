"""The one base of every error whose message is meant for the person using the atlas.

Pages' callbacks catch :class:`UserError` (``pages._ui.guarded``) and the command line prints it:
its message is shown as is, never a traceback. Anything else is a bug, logged with an error id.
"""
from __future__ import annotations


class UserError(Exception):
    """Bad input, a refused action or a busy database: say what happened, lose nothing.

    >>> issubclass(__import__("mapping.validate").validate.Invalid, UserError)
    True
    """
