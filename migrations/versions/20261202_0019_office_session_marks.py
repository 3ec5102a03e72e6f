"""office: people marked present and absent per visit session, kept as the marks change (office_session_marks)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_session_marks',
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('absent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['visit_session.id'],
                            name=op.f('fk_office_session_marks_session_id_visit_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_office_session_marks'))
    )
    # The backfill, by the same code as `learnapp office rebuild-counts` (idempotent).
    from learnapp.office import session_marks

    session_marks.rebuild(conn=op.get_bind())


def downgrade():
    op.drop_table('office_session_marks')
