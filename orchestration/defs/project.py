"""The dbt project as Dagster sees it.

Kept in its own module, which runs nothing at import time: the manifest it points at is
written beforehand by `make manifest` (dbt parse).
"""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
