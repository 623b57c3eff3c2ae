#!/usr/bin/env python3
"""Write N distinct square cover images for the image benchmark (bench/images.sh): even
numbers as JPEG, odd as PNG, each a mix of gradients and smooth noise so that it compresses
like artwork rather than like a flat colour. Needs Pillow (apt-get install -y python3-pil).

Usage: bench/gen-covers.py --count 200 --size 3000 --out DIR
Writes DIR/c000.jpg, DIR/c001.png, ...; the same arguments give the same pictures.
"""

import argparse
import random
import sys
from pathlib import Path

try:
    from PIL import Image
except ImportError:
    sys.exit("gen-covers: Pillow is missing; apt-get install -y python3-pil")


def cover(index: int, size: int) -> Image.Image:
    # Pillow's noise comes from C's rand(): seed Python's generator for the angles only, and
    # make each picture distinct by its own rotation and gradient mix.
    rng = random.Random(index)
    noise = Image.effect_noise((size // 16, size // 16), 40 + index % 40)
    noise = noise.resize((size, size), Image.BICUBIC)
    linear = Image.linear_gradient("L").rotate(rng.randrange(360))
    linear = linear.resize((size, size), Image.BILINEAR)
    radial = Image.radial_gradient("L").rotate(rng.randrange(360))
    radial = radial.resize((size, size), Image.BILINEAR)
    channels = [linear, noise, radial]
    rng.shuffle(channels)
    return Image.merge("RGB", channels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.count):
        image = cover(index, args.size)
        if index % 2 == 0:
            image.save(args.out / f"c{index:03}.jpg", quality=85)
        else:
            image.save(args.out / f"c{index:03}.png", compress_level=1)


if __name__ == "__main__":
    main()
