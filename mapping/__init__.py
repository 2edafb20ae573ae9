"""Migration Actors Atlas: the domain package (data layer, geography, maps, graphs, I/O).

Importable and testable without Streamlit; nothing in here imports it.
"""

__version__ = "0.1.0"
