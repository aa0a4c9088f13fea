"""NAV's own whole applications with an economy (tests/fixtures/nav-soknader/): read as a caseworker reads them."""

import hashlib

from tests.digisos_data import realistic

# As tests/fixtures/nav-soknader/SOURCE.md lists them.
DIGESTS = {
    "brukerdata.json": "a7f5298cf1b3332e714e635e44a6f602199055018504a6184c873b59ac0f4b75",
    "systemdata.json": "8c607de5b3dce209ece015be6eb50fbab2e251f02685d01c540b1512da3bcb50",
    "utbetalinger.json": "4f1740052bf819dc7d70f51e4def302631ff1d2d6e1e58c076695c7065b149fc",
}


def test_the_vendored_applications_are_nav_s_as_copied():
    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in realistic()} == DIGESTS
