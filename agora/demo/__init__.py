"""The reference session (EU Regions Week 2023) that ``agora demo`` runs; used only by the CLI."""
