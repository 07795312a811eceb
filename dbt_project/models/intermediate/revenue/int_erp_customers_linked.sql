-- Links every ERP customer to a CRM relation: by the CRM id the ERP records, and where
-- that is empty or unknown, by Chamber of Commerce (KvK/KBO) number in normalised form
-- (docs/business-rules.md sections 1 and 14). A number that more than one relation
-- carries links nothing: the customer is reported in marts.dq_ambiguous_kvk.
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

relations_by_kvk as (

    select
        kvk_normalised,
        min(relation_id) as relation_id,
        count(*) as relations_with_kvk
    from relations
    where kvk_normalised is not null
    group by kvk_normalised

),

linked as (

    select
        customers.customer_id,
        customers.customer_name,
        customers.crm_relation_id,
        customers.kvk_number,
        customers.kvk_normalised,
        customers.payment_terms_days,
        case
            when by_id.relation_id is not null then by_id.relation_id
            when by_kvk.relations_with_kvk = 1 then by_kvk.relation_id
        end as relation_id,
        case
            when by_id.relation_id is not null then 'crm_relation_id'
            when by_kvk.relations_with_kvk = 1 then 'kvk_number'
        end as link_method,
        coalesce(by_kvk.relations_with_kvk, 0) as kvk_relation_count,
        coalesce(by_kvk.relations_with_kvk, 0) > 1 as has_ambiguous_kvk
    from customers
    left join relations as by_id
        on customers.crm_relation_id = by_id.relation_id
    left join relations_by_kvk as by_kvk
        on customers.kvk_normalised = by_kvk.kvk_normalised

)

select * from linked
