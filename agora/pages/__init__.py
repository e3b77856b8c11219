"""The pages that compose every domain: the phone, the screen and the moderator page."""
