"""The dbt project as Dagster sees it.

Kept in its own module so `dagster-dbt project prepare-and-package --file
orchestration/project.py` (the `make manifest` step) can prepare the manifest before the
definitions are imported; nothing here runs dbt at import time.
"""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
