"""Makes the home page's thumbnails from the lab screenshots: `python docs/thumbnails.py`."""

import pathlib

from PIL import Image

DOCS = pathlib.Path(__file__).resolve().parent
WIDTH, ASPECT = 520, 0.62  # every thumbnail 520 x 322, so the home page's cards line up
CROPS = {  # screenshot: (left, top, right) of the view that tells the lab's story
    "mlp": ("mlp_lab.png", (330, 760, 1400)),
    "autoencoder": ("autoencoder_lab.png", (330, 700, 1400)),
    "gan": ("gan_digits.png", (370, 1150, 1400)),
    "pinn": ("pinn_lab.png", (370, 1700, 1400)),
    "rnn": ("rnn_lab.png", (330, 2520, 1400)),
    "attention": ("attention_lab.png", (370, 1530, 1400)),
}


def main():
    for lab, (name, (left, top, right)) in CROPS.items():
        image = Image.open(DOCS / name).convert("RGB").crop((left, top, right, top + round((right - left) * ASPECT)))
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
        image.save(DOCS / "thumbs" / f"{lab}.png", optimize=True)


if __name__ == "__main__":
    main()
