"""Class challenges: a challenge's board (`?id=`), or the challenges this person created or took part in."""

from lab.ui.challenges import challenge_page

challenge_page()
