"""office: every learner's kept depth with their bucket (office_funnel_depth) and learners per bucket (office_funnel_count)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _depth_table(*bucket_columns):
    op.create_table('office_funnel_depth',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('depth', sa.SmallInteger(), nullable=False),
    *bucket_columns,
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_office_funnel_depth_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_office_funnel_depth'))
    )


def upgrade():
    # The rows are derived data: dropped and rebuilt with their new shape.
    op.drop_table('office_funnel_depth')
    _depth_table(sa.Column('cohort_month', sa.String(length=7), nullable=False),
                 sa.Column('birth_year', sa.Integer(), nullable=False))
    op.create_table('office_funnel_count',
    sa.Column('cohort_month', sa.String(length=7), nullable=False),
    sa.Column('birth_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('depth', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('cohort_month', 'birth_year', 'depth', name=op.f('pk_office_funnel_count'))
    )
    # The backfill, by the same code as `learnapp office rebuild-funnel` (idempotent): every
    # database gets its rows, so the funnel reads them from the start.
    from learnapp.office import milestones

    milestones.rebuild(conn=op.get_bind())


def downgrade():
    op.drop_table('office_funnel_count')
    op.drop_table('office_funnel_depth')
    _depth_table()
    op.execute("DELETE FROM office_funnel_state")  # 0016's rows are rebuilt by `learnapp office rebuild-funnel`
