-- Every criterion of seeds/scoring_criteria.csv is computed by
-- int_relations_criteria_unpivoted (macros/rules/scoring_criteria_values.sql), and every
-- computed one is configured.
{{ scoring_criteria_match_computed_values(
    'scoring_criteria',
    'int_relations_criteria_unpivoted',
    scoring_criteria_values(),
    'scoring_criteria_values'
) }}
