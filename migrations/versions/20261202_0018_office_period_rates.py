"""office: certification rates per month, season, school year and year, kept as attempts are graded (office_period_rate)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_period_rate',
    sa.Column('period', sa.String(length=24), nullable=False),
    sa.Column('tier_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('tried', sa.Integer(), nullable=False),
    sa.Column('certified', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tier_id'], ['quiz_tier.id'], name=op.f('fk_office_period_rate_tier_id_quiz_tier'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('period', 'tier_id', 'audience', name=op.f('pk_office_period_rate'))
    )
    # The backfill, by the same code as `learnapp office rebuild-counts` (idempotent).
    from learnapp.office import period_rates

    period_rates.rebuild(conn=op.get_bind())


def downgrade():
    op.drop_table('office_period_rate')
