"""The simulated Hugging Face Hub: a deterministic world of models and an HTTP server over it."""

from .server import Fault, SimulatedHub
from .world import World

__all__ = ["Fault", "SimulatedHub", "World"]
