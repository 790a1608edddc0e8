from tests.web.conftest import fast_passwords, private_media, world  # noqa: F401
