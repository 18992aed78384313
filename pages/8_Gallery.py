"""The gallery of good and bad loss curves."""

from lab.ui.gallery_views import gallery_page

gallery_page()
