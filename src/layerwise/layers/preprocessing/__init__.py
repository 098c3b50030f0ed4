"""Preprocessing and augmentation layers (lecture 003's "create more training data")."""

from layerwise.layers.preprocessing.auto_contrast import AutoContrast
from layerwise.layers.preprocessing.category_encoding import CategoryEncoding
from layerwise.layers.preprocessing.center_crop import CenterCrop
from layerwise.layers.preprocessing.cut_mix import CutMix
from layerwise.layers.preprocessing.discretization import Discretization
from layerwise.layers.preprocessing.equalization import Equalization
from layerwise.layers.preprocessing.integer_lookup import IntegerLookup
from layerwise.layers.preprocessing.mix_up import MixUp
from layerwise.layers.preprocessing.normalization import Normalization
from layerwise.layers.preprocessing.pipeline import Pipeline
from layerwise.layers.preprocessing.random_brightness import RandomBrightness
from layerwise.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from layerwise.layers.preprocessing.random_color_jitter import RandomColorJitter
from layerwise.layers.preprocessing.random_contrast import RandomContrast
from layerwise.layers.preprocessing.random_crop import RandomCrop
from layerwise.layers.preprocessing.random_erasing import RandomErasing
from layerwise.layers.preprocessing.random_flip import RandomFlip
from layerwise.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur
from layerwise.layers.preprocessing.random_grayscale import RandomGrayscale
from layerwise.layers.preprocessing.random_hue import RandomHue
from layerwise.layers.preprocessing.random_invert import RandomInvert
from layerwise.layers.preprocessing.random_posterization import RandomPosterization
from layerwise.layers.preprocessing.random_rotation import RandomRotation
from layerwise.layers.preprocessing.random_saturation import RandomSaturation
from layerwise.layers.preprocessing.random_sharpness import RandomSharpness
from layerwise.layers.preprocessing.random_shear import RandomShear
from layerwise.layers.preprocessing.random_translation import RandomTranslation
from layerwise.layers.preprocessing.random_zoom import RandomZoom
from layerwise.layers.preprocessing.rescaling import Rescaling
from layerwise.layers.preprocessing.resizing import Resizing
from layerwise.layers.preprocessing.solarization import Solarization

__all__ = ["AutoContrast", "CategoryEncoding", "CenterCrop", "CutMix", "Discretization", "Equalization",
           "IntegerLookup", "MixUp", "Normalization", "Pipeline", "RandomBrightness",
           "RandomColorDegeneration", "RandomColorJitter", "RandomContrast", "RandomCrop", "RandomErasing",
           "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPosterization",
           "RandomRotation", "RandomSaturation", "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom",
           "Rescaling", "Resizing", "Solarization"]
