-- Links every ERP customer to a CRM relation: by the CRM id the ERP records, and where
-- that is empty or unknown, by Chamber of Commerce (KvK) number (docs/business-rules.md section 1).
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

relations_by_kvk as (

    -- Two relations may share a KvK number (branches); link to the lowest id, deterministically.
    select
        kvk_number,
        min(relation_id) as relation_id,
        count(*) as relations_with_kvk
    from relations
    where kvk_number is not null
    group by kvk_number

),

linked as (

    select
        customers.customer_id,
        customers.customer_name,
        customers.crm_relation_id,
        customers.kvk_number,
        customers.payment_terms_days,
        coalesce(by_id.relation_id, by_kvk.relation_id) as relation_id,
        case
            when by_id.relation_id is not null then 'crm_relation_id'
            when by_kvk.relation_id is not null then 'kvk_number'
        end as link_method,
        coalesce(by_kvk.relations_with_kvk, 0) > 1 as has_ambiguous_kvk
    from customers
    left join relations as by_id
        on customers.crm_relation_id = by_id.relation_id
    left join relations_by_kvk as by_kvk
        on customers.kvk_number = by_kvk.kvk_number

)

select * from linked
