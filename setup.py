"""Packaging for fer_nb: every field comes from settings.ini (the nbdev 2 convention)."""
from configparser import ConfigParser
from pathlib import Path

import setuptools

cfg = ConfigParser(delimiters=["="])
cfg.read(Path(__file__).parent / "settings.ini", encoding="utf-8")
cfg = cfg["DEFAULT"]
requirements = cfg["requirements"].split()
dev_requirements = cfg["dev_requirements"].split()
crowd_requirements = cfg["crowd_requirements"].split()  # optional: crowd-kit for the crowd lesson's comparisons
detect_requirements = cfg["detect_requirements"].split()  # optional: dlib face detector + landmark models for raw photos
screening_requirements = cfg["screening_requirements"].split()  # optional: eGeMAPS, MFCC, audio and video decoding (lesson 21)
book_requirements = cfg["book_requirements"].split()
cluster_requirements = cfg["cluster_requirements"].split()  # optional: experiments and sweeps as Dask tasks (lesson 11b), dask-jobqueue for SLURM  # optional: the website (Sphinx + MyST-NB, MathJax shipped) and its browser check

setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=(Path(__file__).parent / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author=cfg["author"],
    author_email=cfg["author_email"],
    license="Apache-2.0",
    url=cfg["git_url"],
    keywords=cfg["keywords"].split(),
    python_requires=">=" + cfg["min_python"],
    packages=setuptools.find_packages(include=["fer_nb", "fer_nb.*"]),
    include_package_data=True,
    package_data={"fer_nb": ["assets/*"]},
    install_requires=requirements,
    extras_require={"dev": dev_requirements, "crowd": crowd_requirements, "detect": detect_requirements, "screening": screening_requirements, "book": book_requirements, "cluster": cluster_requirements},
    entry_points={
        "console_scripts": cfg["console_scripts"].split(),
        "nbdev": [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"],
    },
    zip_safe=False,
)
