"""The graduation, registration's side: a ceremony's course, its graduates' results and the
roll they are called in, and the certificates the badges service reports having issued."""

from .certificates import note_certificate_issued, note_certificate_revoked
from .course import (
    get_course,
    load_course,
    remove_course,
    require_course,
    set_course,
    set_roll_order,
)
from .images import IMAGE_KINDS, TOO_LARGE, image_of, remove_image, set_image
from .results import (
    erase_graduation,
    graduation_of,
    load_changes,
    set_graduate,
    set_phonetic,
)
from .results_import import import_results
from .roll import ROLL_KEYS, roll, roll_mode

__all__ = [
    "IMAGE_KINDS",
    "ROLL_KEYS",
    "TOO_LARGE",
    "erase_graduation",
    "get_course",
    "graduation_of",
    "image_of",
    "import_results",
    "load_changes",
    "load_course",
    "note_certificate_issued",
    "note_certificate_revoked",
    "remove_course",
    "remove_image",
    "require_course",
    "roll",
    "roll_mode",
    "set_course",
    "set_graduate",
    "set_image",
    "set_phonetic",
    "set_roll_order",
]
